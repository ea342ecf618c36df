// Why a file was not taken, in the agent's language.
import type { Translate } from "../i18n";
import { humanSize } from "./limits";
import type { UploadProblem } from "./uploads";

export function refusalText(t: Translate, locale: string, problem: UploadProblem, filename: string, size?: number | null): string {
  const name = filename || "—";
  switch (problem.reason) {
    case "too_large":
      return t("media.error.tooLarge", {
        name,
        size: size ? humanSize(size, locale) : `> ${humanSize(problem.maxBytes, locale)}`,
        kind: t(`media.kind.${problem.kind}`),
        max: humanSize(problem.maxBytes, locale),
      });
    case "type":
      return t("media.error.type", { name, mime: problem.mime });
    case "no_voice":
      return t("media.error.noVoice");
    case "empty":
      return t("media.error.empty", { name });
    case "unreadable":
      return t("media.error.unreadable", { name });
    case "closed":
      return t("media.error.closed");
    case "not_found":
      return t("media.error.notFound");
  }
}
