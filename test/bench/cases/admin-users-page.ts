// A signed-in admin opens Admin → Users: session lookup, actor, the first page of members with their
// workgroups, the workgroup choices, and the rendered page.
import type { BenchCase } from "../harness";

export default {
  name: "admin-users-page",
  description: "signed-in admin GETs /admin/users in an organization of ~200 members, at concurrency 1 and 8",
  async run(ctx) {
    const data = await ctx.dataset();
    const app = await ctx.app();
    const headers = await app.signIn(data.admin.email, data.admin.password, data.orgId);

    // Measure the page itself, not a redirect to sign-in or an error page of the same status.
    const res = await fetch(app.origin + "/admin/users", { headers, redirect: "manual" });
    const html = await res.text();
    const memberRows = html.split(`@${data.slug}.test`).length - 1;
    if (res.status !== 200 || memberRows === 0) throw new Error(`/admin/users answered ${res.status} without member rows`);
    ctx.log(`  /admin/users: ${(html.length / 1024).toFixed(0)} KiB, ${memberRows} email addresses of ${data.counts.members} members`);

    for (const concurrency of [1, 8]) await ctx.compare(`c${concurrency}`, "/admin/users", { concurrency, headers });
  },
} satisfies BenchCase;
