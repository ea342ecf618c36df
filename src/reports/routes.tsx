// Reports routes (supervisors and admins): the page, and each table or the conversations as CSV.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { render, ui, type SignedInCtx } from "../web";
import { ErrorPage } from "../../views/auth/pages";
import { ReportsPage, rowName } from "../../views/reports/page";
import { buildReport, reportChoices, reportQuery, withoutEmpty, type ReportQuery } from "./figures";
import { csvTables, exportCsv, type CsvTable } from "./csv";

const exportFile = z.object({ file: z.enum(csvTables.map((t) => `${t}.csv`) as [`${CsvTable}.csv`, ...`${CsvTable}.csv`[]]) });

/** The URL's period and filters; null when they are not valid. */
function parseQuery(c: SignedInCtx): ReportQuery | null {
  const parsed = reportQuery.safeParse(withoutEmpty(c.req.query()));
  return parsed.success ? parsed.data : null;
}

function badQuery(c: SignedInCtx) {
  const t = c.get("t");
  return render(c, <ErrorPage ui={ui(c)} title={t("error.badRequest")} text={t("reports.badQuery")} />, 400);
}

export function reportsRoutes() {
  const app = signedInRoutes("admin", "supervisor");
  app.get("/", async (c) => {
    const query = parseQuery(c);
    if (!query) return badQuery(c);
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const choices = reportChoices(database.db, actor);
    const report = await buildReport(database.db, actor, query, clock.now(), choices);
    return render(c, <ReportsPage ui={ui(c)} report={report} query={query} choices={await choices} />);
  });

  app.get("/export/:file", async (c) => {
    const file = exportFile.safeParse(c.req.param());
    if (!file.success) return c.notFound();
    const query = parseQuery(c);
    if (!query) return badQuery(c);
    const { database, clock } = c.get("deps");
    const table = file.data.file.replace(/\.csv$/, "") as CsvTable;
    const viewer = ui(c);
    const { range, body } = await exportCsv(database.db, c.get("actor"), table, query, clock.now(), viewer.t, (shown, row) => rowName(viewer, shown, row));
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="kanal-${table}-${range.from}-${range.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  });
  return app;
}
