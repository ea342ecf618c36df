// Voice notes for WhatsApp must be OGG/Opus, but Chromium's MediaRecorder only writes Opus in
// WebM (Matroska). The Opus packets are the same in both: this moves them from WebM blocks into
// Ogg pages (RFC 3533, RFC 7845) without decoding, so no ffmpeg is needed.

export class RemuxError extends Error {}

// Matroska element ids (with their length marker bits, as written).
const ID = {
  segment: 0x18538067,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  codecDelay: 0x56aa,
  audio: 0xe1,
  channels: 0x9f,
  cluster: 0x1f43b675,
  blockGroup: 0xa0,
  block: 0xa1,
  simpleBlock: 0xa3,
} as const;
/** Elements whose children matter: walked into, whether their size is known or not. */
const DESCEND = new Set<number>([ID.segment, ID.tracks, ID.trackEntry, ID.audio, ID.cluster, ID.blockGroup]);

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

function readVint(b: Uint8Array, at: number, keepMarker: boolean): Vint {
  const first = b[at];
  if (first === undefined) throw new RemuxError("truncated WebM");
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8 || at + length > b.length) throw new RemuxError("bad EBML number");
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[at + i];
    if (b[at + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

export interface OpusTrack {
  head: Uint8Array;
  packets: Uint8Array[];
}

/** The Opus track of a WebM file: its OpusHead and every packet in order. */
export function readWebmOpus(file: Uint8Array): OpusTrack {
  const tracks: { number: number; codec: string; priv: Uint8Array | null; delayNs: number; channels: number }[] = [];
  let current: (typeof tracks)[number] | null = null;
  const blocks: { track: number; frames: Uint8Array[] }[] = [];
  let at = 0;
  while (at < file.length) {
    const id = readVint(file, at, true);
    const size = readVint(file, at + id.length, false);
    const start = at + id.length + size.length;
    if (DESCEND.has(id.value)) {
      if (id.value === ID.trackEntry) tracks.push((current = { number: 0, codec: "", priv: null, delayNs: 0, channels: 1 }));
      at = start;
      continue;
    }
    if (size.unknown) throw new RemuxError("unknown-size element that is not a container");
    const end = start + size.value;
    if (end > file.length) break; // a recording cut short: keep what is complete
    const body = file.subarray(start, end);
    if (current) {
      if (id.value === ID.trackNumber) current.number = readUint(body);
      else if (id.value === ID.codecId) current.codec = new TextDecoder().decode(body);
      else if (id.value === ID.codecPrivate) current.priv = body;
      else if (id.value === ID.codecDelay) current.delayNs = readUint(body);
      else if (id.value === ID.channels) current.channels = readUint(body);
    }
    if (id.value === ID.simpleBlock || id.value === ID.block) blocks.push(readBlock(body));
    at = end;
  }
  const opus = tracks.find((t) => t.codec === "A_OPUS");
  if (!opus) throw new RemuxError("no Opus track");
  const head = opus.priv && startsWithText(opus.priv, "OpusHead") ? opus.priv : opusHead(opus.channels, Math.round((opus.delayNs * 48_000) / 1e9));
  return { head, packets: blocks.filter((b) => b.track === opus.number).flatMap((b) => b.frames) };
}

function readBlock(body: Uint8Array): { track: number; frames: Uint8Array[] } {
  const track = readVint(body, 0, false);
  let at = track.length + 2; // 16-bit relative timecode
  const flags = body[at++];
  const lacing = (flags >> 1) & 3;
  if (lacing === 0) return { track: track.value, frames: [body.subarray(at)] };
  const count = body[at++] + 1;
  const sizes: number[] = [];
  if (lacing === 1) {
    // Xiph lacing: each size as a run of 255s and a final byte.
    for (let i = 0; i < count - 1; i++) {
      let size = 0;
      let byte: number;
      do {
        byte = body[at++];
        size += byte;
      } while (byte === 255);
      sizes.push(size);
    }
  } else if (lacing === 3) {
    // EBML lacing: the first size, then signed differences.
    const first = readVint(body, at, false);
    at += first.length;
    sizes.push(first.value);
    for (let i = 1; i < count - 1; i++) {
      const diff = readVint(body, at, false);
      at += diff.length;
      const bias = 2 ** (7 * diff.length - 1) - 1;
      sizes.push(sizes[i - 1] + diff.value - bias);
    }
  } else {
    const each = (body.length - at) / count;
    for (let i = 0; i < count - 1; i++) sizes.push(each);
  }
  const frames: Uint8Array[] = [];
  for (const size of sizes) {
    frames.push(body.subarray(at, at + size));
    at += size;
  }
  frames.push(body.subarray(at));
  return { track: track.value, frames };
}

const startsWithText = (b: Uint8Array, text: string) => text.split("").every((ch, i) => b[i] === ch.charCodeAt(0));

function opusHead(channels: number, preSkip: number): Uint8Array {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode("OpusHead"));
  const view = new DataView(head.buffer);
  head[8] = 1;
  head[9] = channels;
  view.setUint16(10, preSkip, true);
  view.setUint32(12, 48_000, true);
  return head;
}

/** Samples (at 48 kHz) in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusSamples(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0];
  const config = toc >> 3;
  const frameTenths =
    config < 12 ? [100, 200, 400, 600][config & 3] : config < 16 ? [100, 200][config & 1] : [25, 50, 100, 200][config & 3];
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : (packet[1] ?? 0) & 0x3f;
  return (frames * frameTenths * 48) / 10;
}

// Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]) >>> 0;
  return crc;
}

function page(packets: Uint8Array[], flags: number, granule: bigint, serial: number, sequence: number): Uint8Array {
  const segments: number[] = [];
  for (const p of packets) {
    let left = p.length;
    while (left >= 255) {
      segments.push(255);
      left -= 255;
    }
    segments.push(left);
  }
  const bodyLength = packets.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(27 + segments.length + bodyLength);
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53]); // OggS
  out[4] = 0;
  out[5] = flags;
  view.setBigInt64(6, granule, true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  out[26] = segments.length;
  out.set(segments, 27);
  let at = 27 + segments.length;
  for (const p of packets) {
    out.set(p, at);
    at += p.length;
  }
  view.setUint32(22, oggCrc(out), true);
  return out;
}

const BOS = 0x02;
const EOS = 0x04;
/** About one second of audio per page, and never more than 255 lacing values. */
const PAGE_SAMPLES = 48_000;

/** An Ogg/Opus file from an Opus head and packets. */
export function writeOggOpus(track: OpusTrack, vendor = "Kanal"): Uint8Array {
  const serial = crypto.getRandomValues(new Uint32Array(1))[0];
  const vendorBytes = new TextEncoder().encode(vendor);
  const tags = new Uint8Array(8 + 4 + vendorBytes.length + 4);
  tags.set(new TextEncoder().encode("OpusTags"));
  new DataView(tags.buffer).setUint32(8, vendorBytes.length, true);
  tags.set(vendorBytes, 12);
  const pages = [page([track.head], BOS, 0n, serial, 0), page([tags], 0, 0n, serial, 1)];
  let granule = 0n;
  let pending: Uint8Array[] = [];
  let segments = 0;
  let samples = 0;
  const flush = (last: boolean) => {
    pages.push(page(pending, last ? EOS : 0, granule, serial, pages.length));
    pending = [];
    segments = 0;
    samples = 0;
  };
  track.packets.forEach((packet, i) => {
    const need = Math.floor(packet.length / 255) + 1;
    if (segments + need > 255) flush(false);
    pending.push(packet);
    segments += need;
    const n = opusSamples(packet);
    granule += BigInt(n);
    samples += n;
    const last = i === track.packets.length - 1;
    if (last || samples >= PAGE_SAMPLES) flush(last);
  });
  if (track.packets.length === 0) flush(true);
  const total = pages.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** WebM/Opus bytes to Ogg/Opus bytes, and the length of the audio. */
export function webmToOgg(file: Uint8Array): { ogg: Uint8Array; durationMs: number } {
  const track = readWebmOpus(file);
  if (track.packets.length === 0) throw new RemuxError("no audio in the recording");
  const samples = track.packets.reduce((n, p) => n + opusSamples(p), 0);
  const preSkip = new DataView(track.head.buffer, track.head.byteOffset).getUint16(10, true);
  return { ogg: writeOggOpus(track), durationMs: Math.max(0, Math.round(((samples - preSkip) / 48_000) * 1000)) };
}
