import { describe, expect, it } from "bun:test";
import { chipStyle, contrast, textOn } from "../../views/contrast";

describe("text on a chosen colour", () => {
  it("measures WCAG contrast", () => {
    expect(contrast("#ffffff", "#000000")).toBeCloseTo(21, 5);
    expect(contrast("#ffffff", "#14b8a6")).toBeCloseTo(2.49, 1);
  });

  it("picks white, the ink or black so a tag's name always reaches 4.5:1", () => {
    expect(textOn("#2563eb")).toBe("#ffffff");
    expect(textOn("#fde68a")).toBe("#1f2933");
    expect(textOn("#16a34a")).toBe("#000000");
    for (let i = 0; i < 4096; i++) {
      const hex = `#${[i >> 8, (i >> 4) & 15, i & 15].map((d) => (d * 17).toString(16).padStart(2, "0")).join("")}`;
      expect(contrast(textOn(hex), hex)).toBeGreaterThanOrEqual(4.5);
    }
    expect(chipStyle("#dc2626")).toBe("background:#dc2626;color:#ffffff");
  });
});
