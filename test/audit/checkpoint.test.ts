import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointMessage,
  createEd25519Signer,
  exportCheckpoint,
  keyIdOf,
  parsePublicKey,
  parseSigningKey,
  trustedKeys,
  verifyCheckpointSignature,
  verifyExportedCheckpoint,
} from '../../src/audit/checkpoint.js';
import { attacker, signer } from './chain.js';

const payload = {
  fromSeq: 1,
  toSeq: 10,
  treeSize: 10,
  headHash: 'ab'.repeat(32),
  merkleRoot: 'cd'.repeat(32),
  at: '2026-01-02T00:00:00.000Z',
};
const keys = trustedKeys([signer.publicKey]);

describe('signed checkpoints', () => {
  it('signs with Ed25519 and verifies with the public key', () => {
    const cp = signer.sign(payload);
    expect(cp.keyId).toBe(signer.keyId);
    expect(verifyCheckpointSignature(cp, keys)).toBe('valid');
  });

  it('signs a domain-tagged canonical message that covers every field', () => {
    const cp = signer.sign(payload);
    expect(checkpointMessage(cp).toString()).toBe(
      `clubos.audit.checkpoint.v1\n{"at":"${payload.at}","fromSeq":1,"headHash":"${payload.headHash}","keyId":"${cp.keyId}",` +
        `"merkleRoot":"${payload.merkleRoot}","toSeq":10,"treeSize":10}`,
    );
    for (const change of [{ toSeq: 11, treeSize: 11 }, { headHash: 'ef'.repeat(32) }, { at: '2026-01-03T00:00:00.000Z' }]) {
      expect(verifyCheckpointSignature({ ...cp, ...change }, keys)).toBe('bad_signature');
    }
  });

  it('names what is wrong: unknown key, malformed checkpoint', () => {
    expect(verifyCheckpointSignature(attacker.sign(payload), keys)).toBe('unknown_key');
    expect(verifyCheckpointSignature({ ...signer.sign(payload), treeSize: 9 }, keys)).toBe('malformed');
    expect(verifyCheckpointSignature({ ...signer.sign(payload), signature: 'xyz' }, keys)).toBe('malformed');
  });

  it('accepts the key as a PKCS#8 PEM or as a raw base64 seed, with the same key id', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const fromPem = createEd25519Signer(pem);
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16).toString('base64');
    const fromSeed = createEd25519Signer(seed);
    expect(fromSeed.keyId).toBe(fromPem.keyId);
    expect(fromPem.keyId).toBe(keyIdOf(publicKey));
    const pubPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifyCheckpointSignature(fromSeed.sign(payload), trustedKeys([pubPem]))).toBe('valid');
  });

  it('refuses keys that are not Ed25519 or not 32 bytes', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => parseSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(TypeError);
    expect(() => parseSigningKey(Buffer.alloc(16).toString('base64'))).toThrow(TypeError);
    expect(() => parsePublicKey(Buffer.alloc(31).toString('base64'))).toThrow(TypeError);
  });

  it('exports a self-describing document an outside party verifies with keys they trust', () => {
    const doc = JSON.parse(JSON.stringify(exportCheckpoint(signer.sign(payload), signer.publicKey)));
    expect(doc).toMatchObject({ format: 'clubos.audit.checkpoint.v1', algorithm: 'Ed25519', publicKey: signer.publicKey });
    expect(verifyExportedCheckpoint(doc, keys)).toBe('valid');
    expect(verifyExportedCheckpoint(doc, trustedKeys([attacker.publicKey]))).toBe('unknown_key');
    const forged = exportCheckpoint({ ...attacker.sign(payload), keyId: signer.keyId }, signer.publicKey);
    expect(verifyExportedCheckpoint(forged, keys)).toBe('bad_signature');
    expect(verifyExportedCheckpoint({ ...doc, publicKey: attacker.publicKey }, keys)).toBe('malformed');
    expect(verifyExportedCheckpoint({ format: 'other' }, keys)).toBe('malformed');
  });
});
