import { describe, expect, it } from "bun:test";
import { oggCrc, opusSamples, readWebmOpus, webmToOgg } from "../../src/media/ogg";
import { voiceFixture } from "./support";

interface Page {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  packets: Uint8Array[];
  crcOk: boolean;
}

/** An independent reader of Ogg pages: capture pattern, version, lacing, CRC over the page. */
function readPages(file: Uint8Array): Page[] {
  const pages: Page[] = [];
  let at = 0;
  let partial: number[] = [];
  while (at < file.length) {
    expect(String.fromCharCode(...file.subarray(at, at + 4))).toBe("OggS");
    expect(file[at + 4]).toBe(0);
    const view = new DataView(file.buffer, file.byteOffset + at);
    const count = file[at + 26];
    const lacing = file.subarray(at + 27, at + 27 + count);
    const bodyLength = lacing.reduce((n, x) => n + x, 0);
    const length = 27 + count + bodyLength;
    const copy = file.slice(at, at + length);
    new DataView(copy.buffer).setUint32(22, 0, true);
    const packets: Uint8Array[] = [];
    let p = at + 27 + count;
    for (const size of lacing) {
      partial.push(...file.subarray(p, p + size));
      p += size;
      if (size < 255) {
        packets.push(Uint8Array.from(partial));
        partial = [];
      }
    }
    pages.push({ flags: file[at + 5], granule: view.getBigInt64(6, true), serial: view.getUint32(14, true), sequence: view.getUint32(18, true), packets, crcOk: oggCrc(copy) === view.getUint32(22, true) });
    at += length;
  }
  return pages;
}

describe("WebM/Opus from Chromium's MediaRecorder becomes Ogg/Opus", () => {
  it("writes a valid Ogg/Opus stream: OpusHead and OpusTags pages, correct CRCs, granules, end of stream", async () => {
    const webm = await voiceFixture();
    const source = readWebmOpus(webm);
    expect(source.packets.length).toBeGreaterThan(10);
    const { ogg, durationMs } = webmToOgg(webm);
    const pages = readPages(ogg);
    expect(pages.every((p) => p.crcOk)).toBe(true);
    expect(new Set(pages.map((p) => p.serial)).size).toBe(1);
    expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
    // First page: beginning of stream, only the OpusHead; second: OpusTags.
    expect(pages[0].flags & 0x02).toBe(0x02);
    expect(pages[0].packets.length).toBe(1);
    const head = pages[0].packets[0];
    expect(new TextDecoder().decode(head.subarray(0, 8))).toBe("OpusHead");
    expect(head[8]).toBe(1);
    expect(head[9]).toBeGreaterThanOrEqual(1);
    expect(new TextDecoder().decode(pages[1].packets[0].subarray(0, 8))).toBe("OpusTags");
    expect(pages[1].granule).toBe(0n);
    // Every audio packet is carried, in order, and the granule position counts their samples.
    const audio = pages.slice(2).flatMap((p) => p.packets);
    expect(audio.length).toBe(source.packets.length);
    expect(audio.every((p, i) => Buffer.compare(p, source.packets[i]) === 0)).toBe(true);
    const granules = pages.slice(2).map((p) => p.granule);
    expect(granules.every((g, i) => i === 0 || g > granules[i - 1])).toBe(true);
    const samples = source.packets.reduce((n, p) => n + opusSamples(p), 0);
    expect(granules.at(-1)).toBe(BigInt(samples));
    expect(pages.at(-1)!.flags & 0x04).toBe(0x04);
    expect(pages.slice(0, -1).every((p) => !(p.flags & 0x04))).toBe(true);
    // The fixture is a 1.5 s recording.
    expect(durationMs).toBeGreaterThan(1000);
    expect(durationMs).toBeLessThan(2500);
  });

  it("reads clusters of unknown size and laced blocks", () => {
    // A hand-made WebM: EBML header, Segment and Cluster of unknown size, one Xiph-laced block of two frames.
    const vint = (n: number) => [0x80 | n];
    const el = (id: number[], body: number[]) => [...id, ...vint(body.length), ...body];
    const head = [..."OpusHead"].map((c) => c.charCodeAt(0)).concat([1, 2, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]);
    const track = el([0xae], [...el([0xd7], [1]), ...el([0x86], [..."A_OPUS"].map((c) => c.charCodeAt(0))), ...el([0x63, 0xa2], head)]);
    const frameA = [0xfc, 1, 2, 3];
    const frameB = [0xfc, 4, 5];
    const block = el([0xa3], [0x81, 0, 0, 0x80 | 0x02, 1, frameA.length, ...frameA, ...frameB]);
    const unknown = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    const file = Uint8Array.from([
      ...el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], [..."webm"].map((c) => c.charCodeAt(0)))),
      0x18, 0x53, 0x80, 0x67, ...unknown,
      ...el([0x16, 0x54, 0xae, 0x6b], track),
      0x1f, 0x43, 0xb6, 0x75, ...unknown,
      ...el([0xe7], [0]),
      ...block,
    ]);
    const parsed = readWebmOpus(file);
    expect(parsed.head[9]).toBe(2);
    expect(parsed.packets.map((p) => [...p])).toEqual([frameA, frameB]);
    const pages = readPages(webmToOgg(file).ogg);
    expect(pages.every((p) => p.crcOk)).toBe(true);
    // 0xfc: CELT 20 ms, one frame = 960 samples each.
    expect(pages.at(-1)!.granule).toBe(1920n);
  });

  it("counts Opus samples from the TOC byte", () => {
    expect(opusSamples(Uint8Array.of(0xfc))).toBe(960); // CELT 20 ms, one frame
    expect(opusSamples(Uint8Array.of(0x08 | 0x01))).toBe(2 * 960); // SILK 20 ms, two frames
    expect(opusSamples(Uint8Array.of(0x18 | 0x03, 3))).toBe(3 * 2880); // SILK 60 ms, three frames
    expect(opusSamples(Uint8Array.of(0x80))).toBe(120); // CELT 2.5 ms
  });
});
