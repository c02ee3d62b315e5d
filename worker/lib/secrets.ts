// Secrets an organization gives us (its voice platform's API key, say) are stored encrypted:
// AES-GCM under a key derived with HKDF from ENCRYPTION_KEY, or BETTER_AUTH_SECRET when that is
// not set, so a read of the database alone does not reveal them.

const encoder = new TextEncoder();
const VERSION = "v1";
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(env: Env): Promise<CryptoKey> {
  const material = env.ENCRYPTION_KEY || env.BETTER_AUTH_SECRET;
  if (!material) throw new Error("neither ENCRYPTION_KEY nor BETTER_AUTH_SECRET is set");
  let key = keys.get(material);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(material), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: encoder.encode("contacts"), info: encoder.encode("integration secrets v1") },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    keys.set(material, key);
  }
  return key;
}

const b64 = (bytes: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** `v1.<iv>.<ciphertext>`, both base64; `context` (e.g. the integration id) is bound to it. */
export async function encryptSecret(env: Env, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, await keyFor(env), encoder.encode(plaintext));
  return `${VERSION}.${b64(iv)}.${b64(sealed)}`;
}

export async function decryptSecret(env: Env, stored: string, context: string): Promise<string> {
  const [version, iv, sealed] = stored.split(".");
  if (version !== VERSION || !iv || !sealed) throw new Error("not a stored secret of this version");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv), additionalData: encoder.encode(context) }, await keyFor(env), unb64(sealed));
  return new TextDecoder().decode(plain);
}
