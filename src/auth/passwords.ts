// Password hashing with argon2id (Bun.password) and one-time password-link tokens.
const MIN_LENGTH = 8;
export const passwordMinLength = MIN_LENGTH;

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return Bun.password.verify(password, hash).catch(() => false);
}

/** A random URL-safe token and the SHA-256 hash that is the only thing stored. */
export function newToken(): { token: string; hash: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = Buffer.from(bytes).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

// A fixed dummy hash, so that a wrong email costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;
export function timingDummy(): Promise<string> {
  return (dummyHash ??= hashPassword("kanal-timing-equaliser"));
}
