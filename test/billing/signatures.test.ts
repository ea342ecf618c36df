// Each provider's signature, exactly as the provider specifies it, against the published vectors.
import { describe, expect, it } from "bun:test";
import { iyzicoAuthorization, iyzicoNotificationSignature, verifyIyzicoNotification } from "../../src/billing/providers/iyzico";
import { stripeSignature, verifyStripeSignature } from "../../src/billing/providers/stripe";

describe("Stripe-Signature", () => {
  const body = `{"id":"evt_test_1","object":"event","type":"checkout.session.completed"}`;
  const at = new Date(1_700_000_000_000);

  it("matches the reference vector", () => {
    expect(stripeSignature(body, "whsec_test_secret", 1_700_000_000)).toBe("t=1700000000,v1=ca796b857b81e24d595a4c37abf88d2fafb533a32ede6ce4cfc9b0e892a35b08");
    expect(verifyStripeSignature("t=1700000000,v1=ca796b857b81e24d595a4c37abf88d2fafb533a32ede6ce4cfc9b0e892a35b08", body, "whsec_test_secret", at)).toBe(true);
  });

  it("accepts any one matching v1 among several", () => {
    const good = stripeSignature(body, "whsec_test_secret", 1_700_000_000).split(",")[1];
    expect(verifyStripeSignature(`t=1700000000,v1=${"0".repeat(64)},${good}`, body, "whsec_test_secret", at)).toBe(true);
  });

  it("refuses a wrong secret, a changed body, a missing header and a malformed one", () => {
    const header = stripeSignature(body, "whsec_test_secret", 1_700_000_000);
    expect(verifyStripeSignature(header, body, "whsec_other", at)).toBe(false);
    expect(verifyStripeSignature(header, body.replace("evt_test_1", "evt_test_2"), "whsec_test_secret", at)).toBe(false);
    expect(verifyStripeSignature(null, body, "whsec_test_secret", at)).toBe(false);
    expect(verifyStripeSignature("v1=abc", body, "whsec_test_secret", at)).toBe(false);
  });

  it("refuses a timestamp older than 300 seconds and allows a future one, as stripe-node does", () => {
    const header = stripeSignature(body, "whsec_test_secret", 1_700_000_000);
    expect(verifyStripeSignature(header, body, "whsec_test_secret", new Date(1_700_000_300_000))).toBe(true);
    expect(verifyStripeSignature(header, body, "whsec_test_secret", new Date(1_700_000_301_000))).toBe(false);
    expect(verifyStripeSignature(header, body, "whsec_test_secret", new Date(1_699_999_000_000))).toBe(true);
  });
});

describe("iyzico", () => {
  it("signs calls IYZWSv2 as the reference vector", () => {
    const header = iyzicoAuthorization(
      "sandbox-apikey",
      "sandbox-secret",
      "1700000000123456789",
      "/v2/iyzilink/fast-link/products",
      `{"locale":"tr","conversationId":"conv-42","description":"Order 42","price":"250.00","currencyCode":"TRY"}`,
    );
    const decoded = Buffer.from(header.slice("IYZWSv2 ".length), "base64").toString();
    expect(decoded).toBe("apiKey:sandbox-apikey&randomKey:1700000000123456789&signature:d5c68a9bd9d2acae11c560cbcfe3de9cf84d3b54b8004c3c8348cf84da3b358a");
  });

  const secret = "sandbox-UuLnD7wZa0a3DmytfIrwHQqAMfqCNJrs";
  const hosted = {
    paymentConversationId: "conversationId",
    merchantId: 3382172,
    token: "e828c62d-fd12-4b1a-ad5a-380f15fe6596",
    status: "SUCCESS",
    iyziReferenceCode: "77e1635c-a3bd-4bd9-86a3-0dd2e16f3a1b",
    iyziEventType: "CHECKOUT_FORM_AUTH",
    iyziEventTime: 1721825036103,
    iyziPaymentId: 22483975,
  };

  it("verifies notifications with the official vectors (hosted page and direct)", () => {
    expect(iyzicoNotificationSignature(hosted, secret)).toBe("4031c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878");
    expect(iyzicoNotificationSignature({ paymentConversationId: "conversationId", paymentId: 22484059, status: "SUCCESS", iyziEventType: "API_AUTH" }, secret)).toBe(
      "92c7a72b7741bc83eb696066605c894778c87297b2c88d6037670666230e18ae",
    );
    expect(verifyIyzicoNotification("4031c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878", JSON.stringify(hosted), secret)).toBe(true);
  });

  it("refuses a missing or wrong signature and changed fields", () => {
    expect(verifyIyzicoNotification(null, JSON.stringify(hosted), secret)).toBe(false);
    expect(verifyIyzicoNotification("4031c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878", JSON.stringify({ ...hosted, iyziPaymentId: 1 }), secret)).toBe(false);
    expect(verifyIyzicoNotification("4031c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878", JSON.stringify(hosted), "other-secret")).toBe(false);
    expect(verifyIyzicoNotification("4031c575", "not json", secret)).toBe(false);
  });
});
