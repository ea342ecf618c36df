// Names and file names as people read them: without the invisible characters that reorder or hide
// what is shown ("\u202Egpj.exe" reads as "exe.jpg"), whoever typed or sent them.

/**
 * Direction overrides, embeddings and isolates, zero-width and other invisible format characters,
 * and control characters. Kept: tab and line breaks (for multi-line text), the joiners that
 * emoji sequences and Persian or Indic writing need, and the plain direction marks (LRM, RLM, ALM),
 * which right-to-left writers use and which cannot turn a run of letters around.
 */
const INVISIBLE = /(?![\t\n\r\u200C\u200D\u200E\u200F\u061C])[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export function neutralise(text: string): string {
  return text.replace(INVISIBLE, "");
}

/** A file name safe to show and to offer for download: neutralised, no path, never empty. */
export function plainFilename(name: string, fallback = "file"): string {
  const clean = neutralise(name).replace(/[\\/]/g, "_").trim().slice(0, 200);
  return clean || fallback;
}
