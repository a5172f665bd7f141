// A throw-away certificate for a loopback HTTPS upstream (tests and the forward benchmark),
// made when needed with the openssl command: Node can parse certificates but not make them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  key: string;
  cert: string;
}

/** A P-256 certificate for 127.0.0.1, valid one day. */
export function makeSelfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'hub-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('the openssl command is needed to make a test certificate: install it (apt-get install openssl, brew install openssl, or Git for Windows\' openssl.exe on the PATH)');
    }
    throw new Error(`openssl could not make a test certificate: ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
