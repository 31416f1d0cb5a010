// The upstream trust list: Node's default store plus the system's, where the runtime reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import {
  trustedCertificates,
  upstreamSecureContext,
  type CertificateSource,
} from '../../src-main/capture/trust-store';

const pem = (name: string): string =>
  `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;

test('the system store is added after Node’s own, each certificate once', () => {
  const source: CertificateSource = {
    getCACertificates: (kind) =>
      kind === 'default' ? [pem('bundled'), pem('extra')] : [pem('extra'), pem('system')],
  };
  assert.deepEqual(trustedCertificates(source), [pem('bundled'), pem('extra'), pem('system')]);
});

test('no system store (older Node, none found, or unreadable) keeps Node’s default', () => {
  assert.equal(trustedCertificates({}), null);
  assert.equal(trustedCertificates({ getCACertificates: () => [] }), null);
  assert.equal(
    trustedCertificates({
      getCACertificates: (kind) => {
        if (kind === 'system') throw new Error('no keychain access');
        return [pem('bundled')];
      },
    }),
    null,
  );
});

test('this runtime: a context of its own only where Node can read the system store', () => {
  const readsSystem = typeof (tls as CertificateSource).getCACertificates === 'function';
  const context = upstreamSecureContext();
  if (!readsSystem) assert.equal(context, undefined);
  else assert.equal(context === undefined, trustedCertificates(tls as CertificateSource) === null);
  assert.equal(upstreamSecureContext(), context, 'made once');
});
