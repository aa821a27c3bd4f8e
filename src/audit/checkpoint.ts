import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { isSeq, isSha256Hex } from './entry.js';
import type { AuditEntry } from './entry.js';

/**
 * Signed checkpoints: an Ed25519 signature over one segment of the chain (the entries since the
 * previous checkpoint), naming its last entry's hash and the RFC 6962 Merkle root of the segment's
 * entry hashes. Whoever holds an exported checkpoint and the public key can later prove the log
 * was not rewritten, even by someone with full database access, because only the key signs.
 */

export interface CheckpointPayload {
  /** First and last seq of the segment (inclusive); fromSeq = previous checkpoint's toSeq + 1. */
  readonly fromSeq: number;
  readonly toSeq: number;
  /** toSeq - fromSeq + 1: stated so a verifier need not trust the range arithmetic. */
  readonly treeSize: number;
  /** The hash of entry toSeq: the next segment chains onto it. */
  readonly headHash: string;
  /** RFC 6962 root over the segment's entry hashes (32 raw bytes each), hex. */
  readonly merkleRoot: string;
  /** When it was signed, UTC ISO. */
  readonly at: string;
  /** {@link keyIdOf} the signing key. */
  readonly keyId: string;
}

export interface SignedCheckpoint extends CheckpointPayload {
  /** Ed25519 signature (base64) over {@link checkpointMessage}. */
  readonly signature: string;
}

/** Signs checkpoints; built from configuration by {@link createEd25519Signer}. */
export interface CheckpointSigner {
  readonly keyId: string;
  /** The raw 32-byte public key, base64: publish it so others can check exports. */
  readonly publicKey: string;
  sign(payload: Omit<CheckpointPayload, 'keyId'>): SignedCheckpoint;
}

/** Public keys a verifier trusts, by key id (several during a key rotation). */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

export type SignatureOutcome = 'valid' | 'malformed' | 'unknown_key' | 'bad_signature';

export const CHECKPOINT_FORMAT = 'clubos.audit.checkpoint.v1';
const DOMAIN = `${CHECKPOINT_FORMAT}\n`;
// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 (private) and SPKI (public).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The exact bytes signed: a domain tag, then the canonical JSON of the payload.
 * @example
 * checkpointMessage(payload).toString() // 'clubos.audit.checkpoint.v1\n{"at":…,"toSeq":…,"treeSize":…}'
 */
export function checkpointMessage(payload: CheckpointPayload): Buffer {
  const p: CheckpointPayload = {
    fromSeq: payload.fromSeq,
    toSeq: payload.toSeq,
    treeSize: payload.treeSize,
    headHash: payload.headHash,
    merkleRoot: payload.merkleRoot,
    at: payload.at,
    keyId: payload.keyId,
  };
  return Buffer.from(DOMAIN + canonicalJson(p), 'utf8');
}

/**
 * Reads the signing key from configuration (`AUDIT_SIGNING_KEY`): either a PKCS#8 PEM
 * ("-----BEGIN PRIVATE KEY-----") or the raw 32-byte Ed25519 seed in base64.
 * @example
 * parseSigningKey(randomBytes(32).toString('base64')).asymmetricKeyType // 'ed25519'
 */
export function parseSigningKey(material: string): KeyObject {
  const text = material.trim();
  const key = text.startsWith('-----BEGIN')
    ? createPrivateKey(text)
    : createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, rawKey(text)]), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('audit signing key must be Ed25519');
  return key;
}

/**
 * Reads a public key: SPKI PEM ("-----BEGIN PUBLIC KEY-----") or the raw 32 bytes in base64.
 * @example
 * parsePublicKey(signer.publicKey) // KeyObject of type 'public'
 */
export function parsePublicKey(material: string): KeyObject {
  const text = material.trim();
  const key = text.startsWith('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.concat([SPKI_PREFIX, rawKey(text)]), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('audit public key must be Ed25519');
  return key;
}

/**
 * A key's id: "ed25519:" and the first 16 hex digits of SHA-256 over the raw public key.
 * @example
 * keyIdOf(parsePublicKey(b64)) // 'ed25519:9f86d081884c7d65'
 */
export function keyIdOf(publicKey: KeyObject): string {
  return `ed25519:${createHash('sha256').update(rawPublic(publicKey)).digest('hex').slice(0, 16)}`;
}

/**
 * @example
 * const signer = createEd25519Signer(process.env.AUDIT_SIGNING_KEY!);
 * const cp = signer.sign({ fromSeq: 1, toSeq: 10, treeSize: 10, headHash, merkleRoot, at });
 */
export function createEd25519Signer(material: string): CheckpointSigner {
  const privateKey = parseSigningKey(material);
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return {
    keyId,
    publicKey: rawPublic(publicKey).toString('base64'),
    sign(payload) {
      const full: CheckpointPayload = { ...payload, keyId };
      const signature = sign(null, checkpointMessage(full), privateKey).toString('base64');
      return { ...full, signature };
    },
  };
}

/**
 * @example
 * const keys = trustedKeys([signer.publicKey, previousPublicKeyPem]);
 */
export function trustedKeys(publicKeys: readonly string[]): TrustedKeys {
  return new Map(publicKeys.map((m) => parsePublicKey(m)).map((k) => [keyIdOf(k), k] as const));
}

/**
 * Checks shape, key and signature of one checkpoint (not whether it matches the entries).
 * @example
 * verifyCheckpointSignature(cp, trustedKeys([signer.publicKey])) // 'valid'
 */
export function verifyCheckpointSignature(cp: SignedCheckpoint, keys: TrustedKeys): SignatureOutcome {
  if (!isWellFormedCheckpoint(cp)) return 'malformed';
  const key = keys.get(cp.keyId);
  if (key === undefined) return 'unknown_key';
  const signature = Buffer.from(cp.signature, 'base64');
  return verify(null, checkpointMessage(cp), key, signature) ? 'valid' : 'bad_signature';
}

/** The document handed to an outside party: self-describing, checkable with the public key alone. */
export interface ExportedCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly algorithm: 'Ed25519';
  /** Raw public key, base64; its SHA-256 prefix must equal `checkpoint.keyId`. */
  readonly publicKey: string;
  readonly checkpoint: SignedCheckpoint;
}

/**
 * @example
 * JSON.stringify(exportCheckpoint(cp, signer.publicKey)) // hand to the auditor
 */
export function exportCheckpoint(cp: SignedCheckpoint, publicKey: string): ExportedCheckpoint {
  return { format: CHECKPOINT_FORMAT, algorithm: 'Ed25519', publicKey, checkpoint: cp };
}

/**
 * Verifies an exported checkpoint as an outsider would: against keys they trust (obtained out of
 * band), never against the key inside the document alone.
 * @example
 * verifyExportedCheckpoint(JSON.parse(text), trustedKeys([publishedKey])) // 'valid'
 */
export function verifyExportedCheckpoint(doc: unknown, keys: TrustedKeys): SignatureOutcome {
  if (typeof doc !== 'object' || doc === null) return 'malformed';
  const d = doc as Partial<ExportedCheckpoint>;
  if (d.format !== CHECKPOINT_FORMAT || d.algorithm !== 'Ed25519' || typeof d.publicKey !== 'string') return 'malformed';
  if (typeof d.checkpoint !== 'object' || d.checkpoint === null) return 'malformed';
  let embedded: KeyObject;
  try {
    embedded = parsePublicKey(d.publicKey);
  } catch {
    return 'malformed';
  }
  if (keyIdOf(embedded) !== d.checkpoint.keyId) return 'malformed';
  return verifyCheckpointSignature(d.checkpoint, keys);
}

/**
 * @example
 * isWellFormedCheckpoint(JSON.parse(row.payload)) // false for a missing field or bad hash
 */
export function isWellFormedCheckpoint(cp: unknown): cp is SignedCheckpoint {
  if (typeof cp !== 'object' || cp === null) return false;
  const c = cp as Record<string, unknown>;
  return (
    isSeq(c.fromSeq) &&
    isSeq(c.toSeq) &&
    c.fromSeq <= c.toSeq &&
    c.treeSize === c.toSeq - c.fromSeq + 1 &&
    isSha256Hex(c.headHash) &&
    isSha256Hex(c.merkleRoot) &&
    typeof c.at === 'string' &&
    !Number.isNaN(Date.parse(c.at)) &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string' &&
    /^[A-Za-z0-9+/]{86}==$/.test(c.signature)
  );
}

function rawKey(base64: string): Buffer {
  const raw = Buffer.from(base64, 'base64');
  if (raw.byteLength !== 32) throw new TypeError('raw Ed25519 key must be 32 bytes of base64');
  return raw;
}

function rawPublic(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.byteLength);
}

/**
 * Whether an entry is the `audit.checkpointed` record of checkpoint `cp` itself: a segment holding nothing
 * else has nothing new to sign (signing it would only chain checkpoints of checkpoint records).
 * @example recordsCheckpoint({ action: 'config.changed', ... }, cp) // false
 */
export function recordsCheckpoint(e: AuditEntry, cp: Pick<SignedCheckpoint, 'toSeq' | 'merkleRoot'>): boolean {
  if (e.action !== 'audit.checkpointed') return false;
  const body = e.body as { toSeq?: unknown; merkleRoot?: unknown };
  return body.toSeq === cp.toSeq && body.merkleRoot === cp.merkleRoot;
}
