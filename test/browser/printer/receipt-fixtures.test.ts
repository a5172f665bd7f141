import { expect } from 'chai';
import { imageToBitmap, escposRaster } from '../../../workers/imaging/index.ts';

interface FixtureEntry { jpeg: string; width: number; height: number; reference_escpos: string; reference_bytes: number }

const GS_V_0 = [0x1d, 0x76, 0x30, 0x00];
const CUT = [0x1d, 0x56, 0x41, 0x0a];

/** Splits a `GS v 0` stream into its slices; throws on anything else. */
function slices(stream: Uint8Array) {
  const found: Array<{ offset: number; bytesPerRow: number; rows: number }> = [];
  let o = 0;
  while (o < stream.length - CUT.length) {
    expect([...stream.subarray(o, o + 4)], `GS v 0 header at ${o}`).to.deep.equal(GS_V_0);
    const bytesPerRow = stream[o + 4] | (stream[o + 5] << 8);
    const rows = stream[o + 6] | (stream[o + 7] << 8);
    found.push({ offset: o + 8, bytesPerRow, rows });
    o += 8 + bytesPerRow * rows;
  }
  expect(o).to.equal(stream.length - CUT.length);
  expect([...stream.subarray(o)]).to.deep.equal(CUT);
  return found;
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) n++;
  return n;
}

describe('receipt fixtures: the hub stream against the box stream', () => {
  it('has the same framing and length, and at most 1% of dots differ, for every fixture', async () => {
    const index = (await (await fetch('/shared-fixtures/receipts/index.json')).json()) as FixtureEntry[];
    expect(index.length).to.be.greaterThan(0);
    for (const entry of index) {
      const jpeg = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.jpeg}`)).arrayBuffer());
      const reference = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.reference_escpos}`)).arrayBuffer());
      expect(reference.length).to.equal(entry.reference_bytes);
      const ours = escposRaster(await imageToBitmap(jpeg, 512));
      expect(ours.length, entry.jpeg).to.equal(reference.length);
      const mine = slices(ours);
      const theirs = slices(reference);
      expect(mine.map(({ bytesPerRow, rows }) => [bytesPerRow, rows])).to.deep.equal(theirs.map(({ bytesPerRow, rows }) => [bytesPerRow, rows]));
      let differing = 0;
      let dots = 0;
      for (let s = 0; s < mine.length; s++) {
        const n = mine[s].bytesPerRow * mine[s].rows;
        for (let i = 0; i < n; i++) differing += popcount(ours[mine[s].offset + i] ^ reference[theirs[s].offset + i]);
        dots += n * 8;
      }
      const share = differing / dots;
      console.log(`${entry.jpeg}: ${differing} of ${dots} dots differ (${(share * 100).toFixed(3)} %)`);
      expect(share, `${entry.jpeg} differing dots`).to.be.at.most(0.01);
    }
  });
});
