// The local certificate authority for HTTPS interception: created on first use in the data
// folder (ca/ca-cert.pem, and ca/ca-key.pem readable by the user only), it signs a leaf
// certificate for each host a client asks for (by SNI), cached for the run. Every leaf shares
// one key pair made at start, so minting is one signature. X.509 through @peculiar/x509 over
// Node's WebCrypto; keys are ECDSA P-256.

import { createHash, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
// @peculiar/x509's dependency injection needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_NAME = 'CN=Socketscope local CA, O=Socketscope';
const DAY = 24 * 60 * 60 * 1000;
/** Leaves are valid for less than Chromium's 398-day limit; the CA for ten years. */
const LEAF_DAYS = 365;
const CA_DAYS = 3650;
/** Opens under way, by folder. */
const opening = new Map<string, Promise<LocalCa>>();

export const CA_CERT_FILE = 'ca-cert.pem';
export const CA_KEY_FILE = 'ca-key.pem';

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

function derOf(text: string): Buffer {
  return Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** SHA-256 of a certificate's SubjectPublicKeyInfo, base64: what Chromium's SPKI list takes. */
export function spkiHash(certificate: x509.X509Certificate): string {
  return createHash('sha256').update(Buffer.from(certificate.publicKey.rawData)).digest('base64');
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export class LocalCa {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  private readonly cert: x509.X509Certificate;
  private readonly key: CryptoKey;
  private readonly leafKeys: CryptoKeyPair;
  private readonly leafKeyPem: string;
  private readonly contexts = new Map<string, Promise<SecureContext>>();

  private constructor(
    dir: string,
    cert: x509.X509Certificate,
    key: CryptoKey,
    leafKeys: CryptoKeyPair,
    leafKeyPem: string,
  ) {
    this.dir = dir;
    this.certPath = join(dir, CA_CERT_FILE);
    this.keyPath = join(dir, CA_KEY_FILE);
    this.cert = cert;
    this.certPem = cert.toString('pem') + '\n';
    this.key = key;
    this.leafKeys = leafKeys;
    this.leafKeyPem = leafKeyPem;
  }

  /**
   * The CA in `dir`, made there first when it is missing (or when `regenerate`). Opens of one
   * folder that overlap in this process share one result, so two first uses never make two CAs.
   */
  static open(dir: string, regenerate = false): Promise<LocalCa> {
    const key = resolve(dir);
    const pending = opening.get(key);
    if (pending !== undefined) {
      return regenerate ? pending.then(() => LocalCa.open(dir, true)) : pending;
    }
    const started = LocalCa.load(dir, regenerate).finally(() => {
      if (opening.get(key) === started) opening.delete(key);
    });
    opening.set(key, started);
    return started;
  }

  private static async load(dir: string, regenerate: boolean): Promise<LocalCa> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const certPath = join(dir, CA_CERT_FILE);
    const keyPath = join(dir, CA_KEY_FILE);
    let cert: x509.X509Certificate | null = null;
    let key: CryptoKey | null = null;
    if (!regenerate) {
      try {
        const [certText, keyText] = await Promise.all([
          readFile(certPath, 'utf8'),
          readFile(keyPath, 'utf8'),
        ]);
        cert = new x509.X509Certificate(certText);
        key = await webcrypto.subtle.importKey('pkcs8', derOf(keyText), ALGORITHM, false, ['sign']);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (cert === null || key === null) {
      const made = await LocalCa.create();
      // Key first, with its mode from the start; each file is written aside and renamed in.
      await writeFile(`${keyPath}.tmp`, made.keyPem, { mode: 0o600 });
      await chmod(`${keyPath}.tmp`, 0o600);
      await rename(`${keyPath}.tmp`, keyPath);
      await writeFile(`${certPath}.tmp`, made.cert.toString('pem') + '\n', { mode: 0o644 });
      await rename(`${certPath}.tmp`, certPath);
      cert = made.cert;
      key = made.keys.privateKey;
    }
    const leafKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const leafKeyPem = pem(
      'PRIVATE KEY',
      await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey),
    );
    return new LocalCa(dir, cert, key, leafKeys, leafKeyPem);
  }

  private static async create(): Promise<{
    cert: x509.X509Certificate;
    keys: CryptoKeyPair;
    keyPem: string;
  }> {
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: CA_NAME,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + CA_DAYS * DAY),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const keyPem = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    return { cert, keys, keyPem };
  }

  /** The CA certificate's SPKI SHA-256 in base64 (for --ignore-certificate-errors-spki-list). */
  get spki(): string {
    return spkiHash(this.cert);
  }

  /** A leaf certificate for `host` (a name or an IP address), PEM. */
  async leafPem(host: string): Promise<string> {
    const now = Date.now();
    const name =
      isIP(host) !== 0
        ? { type: 'ip' as const, value: host }
        : { type: 'dns' as const, value: host };
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${host.replace(/[,+"\\<>;=]/g, '')}`,
      issuer: this.cert.subject,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + LEAF_DAYS * DAY),
      signingAlgorithm: ALGORITHM,
      publicKey: this.leafKeys.publicKey,
      signingKey: this.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([name]),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert.publicKey),
      ],
    });
    return cert.toString('pem') + '\n';
  }

  /** The leaf for `host` with the CA after it, and its key (PEM), as a TLS server takes them. */
  async leafFiles(host: string): Promise<{ key: string; cert: string }> {
    return { key: this.leafKeyPem, cert: (await this.leafPem(host)) + this.certPem };
  }

  /** A TLS context presenting `host`'s leaf and the CA, minted once per host; ALPN is http/1.1. */
  context(host: string): Promise<SecureContext> {
    const key = host.toLowerCase();
    let context = this.contexts.get(key);
    if (context === undefined) {
      context = this.leafPem(key).then((leaf) =>
        createSecureContext({ key: this.leafKeyPem, cert: leaf + this.certPem }),
      );
      context.catch(() => this.contexts.delete(key));
      this.contexts.set(key, context);
    }
    return context;
  }
}
