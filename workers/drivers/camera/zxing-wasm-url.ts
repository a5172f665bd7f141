/// <reference types="vite/client" />
// Where the build put zxing-cpp's WebAssembly: a file of the hub's own origin.
import url from 'zxing-wasm/reader/zxing_reader.wasm?url';

export const ZXING_WASM_URL: string = url;
