// Benchmark data: one organization with members, workgroups, tags, channels of every kind, contacts,
// conversations and messages, written with set-based SQL (`insert … select … generate_series`).
//
//   bun test/bench/generate.ts --conversations 100000 --messages 1000000
//       [--agents 200] [--database-url URL | --data-dir DIR | --pglite]
//
// Without a target it creates (or recreates) the database `bench_kanal_data` on BENCH_DATABASE_URL's
// server and keeps it, so `DATABASE_URL=… bun start` can browse the result. Every value derives from
// the row number through hashint4extended, so the same sizes give the same data on every run.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql, type SQL } from "drizzle-orm";
import { openPgliteDir, rows, type Database, type DbOrTx } from "@db/client";
import { brands, channels, users, type ChannelKind } from "@db/schema";
import { createOrganization, newWebhookKey } from "../../src/admin/organizations";
import { hashPassword } from "../../src/auth/passwords";
import { DEFAULT_SERVER_URL, openExistingPostgres, openFreshPostgres, openMemoryPglite, type BenchDatabase } from "./database";

export const BENCH_PASSWORD = "bench-password";

export interface DatasetOptions {
  conversations: number;
  messages: number;
  /** Members besides the admin; one in twenty is a supervisor, the rest agents. */
  agents?: number;
  /** Defaults to 70 % of the conversations, so most contacts have one conversation and some several. */
  contacts?: number;
  workgroups?: number;
  tags?: number;
  /** Share of each contact's latest conversation left open (the rest of the history is closed). */
  openShare?: number;
  now?: Date;
  log?: (line: string) => void;
}

export interface Dataset {
  orgId: number;
  slug: string;
  admin: { userId: string; email: string; password: string };
  /** An agent that belongs to workgroups and has conversations assigned. */
  agent: { userId: string; email: string; password: string };
  counts: {
    members: number;
    workgroups: number;
    tags: number;
    channels: number;
    contacts: number;
    conversations: number;
    open: number;
    assigned: number;
    closed: number;
    messages: number;
  };
  seconds: number;
}

const firstNames = ["Ayşe", "Okan", "İpek", "Selin", "Mehmet", "Elif", "Burak", "Zeynep", "Can", "Deniz", "Emre", "Özge", "Ana", "John", "Maria", "Lukas", "Sofia", "Ahmet", "Fatma", "Murat", "Ece", "Kerem", "Derya", "Hakan"];
const lastNames = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan", "Doğan", "Koç", "Kurt", "Özdemir", "Carter", "Ruiz", "Müller", "Rossi", "Novak", "Polat", "Erdem", "Güneş"];
const workgroupNames = ["Support", "Sales", "Returns", "Billing", "VIP", "Logistics", "Technical", "Wholesale", "Turkey", "Germany", "Social", "Night shift"];
const tagNames = ["VIP", "Complaint", "Order", "Lead", "Refund", "Shipping", "Damaged", "Payment", "Urgent", "Wholesale", "Return", "Feedback", "Invoice", "Campaign", "Loyalty", "Warranty", "Exchange", "Size", "Stock", "Address", "Coupon", "Gift", "B2B", "Spam"];
const tagColors = ["#d97706", "#dc2626", "#2563eb", "#16a34a", "#7c3aed", "#0891b2", "#be123c", "#4d7c0f", "#64748b"];
const phrases = [
  "Merhaba, siparişim ne zaman kargoya verilecek?",
  "Hello, has my order shipped yet?",
  "Ürün hasarlı geldi, iade etmek istiyorum.",
  "Can I change the delivery address?",
  "Kargo takip numaram nedir?",
  "Thanks, that solved it!",
  "Fatura bilgilerimi güncellemem gerekiyor.",
  "Do you ship to Germany?",
  "Beden değişimi yapabilir miyim?",
  "I was charged twice for the same order.",
  "Kampanya kodu çalışmıyor.",
  "What are your opening hours?",
  "Siparişimi iptal etmek istiyorum.",
  "The package arrived but one item is missing.",
  "Ödeme sayfasında hata alıyorum.",
  "Could you send me the invoice as PDF?",
  "Ürün stoklara ne zaman gelecek?",
  "Is there a warranty on this product?",
  "Teşekkürler, iyi günler!",
  "Let me check that for you, one moment please.",
  "Sipariş numaranızı paylaşabilir misiniz?",
  "Your refund has been processed.",
  "Kargonuz yarın teslim edilecek.",
  "We have sent a replacement today.",
  "Adresinizi güncelledim.",
  "Could you share a photo of the damage?",
  "İade kodunuz: RT-4821.",
  "The coupon is valid until the end of the month.",
  "Hediye paketi yapabiliyor musunuz?",
  "I would like to place a wholesale order.",
  "Mağazadan teslim alabilir miyim?",
  "Sorry for the delay, we are on it.",
];

const DAY_MS = 86_400_000;
/** Minutes between consecutive messages of a conversation. */
const GAP_MINUTES = 4;

function int(n: number): SQL {
  if (!Number.isSafeInteger(n)) throw new Error(`Expected an integer, got ${n}`);
  return sql.raw(String(n));
}

function textArray(values: string[]): SQL {
  return sql`(array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[])`;
}

/** A deterministic pseudo-random number in [0, 1) for row `g`; each seed is an independent stream. */
function unit(g: SQL, seed: number): SQL {
  return sql`((((hashint4extended((${g})::int, ${int(seed)}) % 100000) + 100000) % 100000) / 100000.0)`;
}

function pick(list: SQL, length: number, index: SQL): SQL {
  return sql`${list}[1 + ((${index}) % ${int(length)})]`;
}

export async function generateDataset(database: Database, options: DatasetOptions): Promise<Dataset> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date();
  const N = options.conversations;
  const M = options.messages;
  const A = options.agents ?? 200;
  const C = Math.max(1, options.contacts ?? Math.ceil(N * 0.7));
  const W = options.workgroups ?? 12;
  const T = options.tags ?? 24;
  const openShare = options.openShare ?? 0.25;
  for (const [name, n, min] of [["conversations", N, 1], ["messages", M, 0], ["agents", A, 2], ["contacts", C, 1], ["workgroups", W, 1], ["tags", T, 1]] as const) {
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${n}`);
  }
  if (!(openShare >= 0 && openShare <= 1)) throw new Error(`openShare must be between 0 and 1, got ${openShare}`);
  if (N > 2_000_000_000 || M > 2_000_000_000) throw new Error("Sizes above two billion rows are not supported.");
  const rounds = Math.ceil(N / C);
  const { db } = database;
  const step = stepTimer(log);
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
  const nowSql = at(now);

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const slug = await freeSlug(db);
  const adminEmail = `admin@${slug}.test`;

  const result = await db.transaction(async (tx) => {
    // A benchmark database loses nothing that matters if the last commit is lost in a crash.
    if (database.kind === "postgres") await tx.execute(sql`set local synchronous_commit = off`);
    // The pool's connections carry the pages' statement timeout (10 s, src/db timeoutsFor.pages); one
    // statement here inserts a million messages and rebuilds indexes, which a shared machine takes
    // longer than that for ("canceling statement due to statement timeout" while inserting messages).
    if (database.kind === "postgres") await tx.execute(sql`set local statement_timeout = 0`);
    if (database.kind === "postgres") await tx.execute(sql`set local lock_timeout = 0`);
    await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
    const adminId = crypto.randomUUID();
    await tx.insert(users).values({ id: adminId, email: adminEmail, name: "Bench Admin", passwordHash, createdAt: new Date(now.getTime() - 100 * DAY_MS) });
    // Before the indexes go: the organization's support conversation is ingested with ON CONFLICT,
    // which needs the unique index on contact identities.
    const { org } = await createOrganization(tx, { name: `Bench ${slug}`, timezone: "Europe/Istanbul", locale: "en", adminUserId: adminId }, new Date(now.getTime() - 100 * DAY_MS));
    const rebuild = await dropSecondaryStructures(tx, ["contacts", "contact_identities", "conversations", "conversation_tags", "messages"]);
    const orgId = int(org.id);
    const slugText = sql`${slug}::text`;
    const userId = (g: SQL) => sql`md5(${slugText} || ':user:' || (${g}))::uuid::text`;

    // Members: one in twenty a supervisor; a few invited but not yet signed up, a few deactivated.
    const supervisors = Math.max(1, Math.round(A / 20));
    await tx.execute(sql`
      insert into users (id, email, name, password_hash, created_at)
      select ${userId(sql`g`)}, 'agent' || g || '@' || ${slugText} || '.test',
             ${pick(textArray(firstNames), firstNames.length, sql`g`)} || ' ' || ${pick(textArray(lastNames), lastNames.length, sql`g / ${int(firstNames.length)}`)},
             case when g % 40 = 0 then null else ${passwordHash} end,
             ${nowSql} - interval '99 days'
      from generate_series(1, ${int(A)}) g`);
    await tx.execute(sql`
      insert into memberships (org_id, user_id, role, status, status_changed_at, active, created_at)
      select ${orgId}, ${userId(sql`g`)},
             case when g <= ${int(supervisors)} then 'supervisor' else 'agent' end,
             case when g % 20 < 10 then 'online' when g % 20 < 17 then 'offline' when g % 20 < 19 then 'break' else 'invisible' end,
             ${nowSql} - (g % 600) * interval '1 minute',
             g % 50 <> 0,
             ${nowSql} - interval '99 days'
      from generate_series(1, ${int(A)}) g`);
    await tx.execute(sql`
      create temp table bench_agent on commit drop as
      select (row_number() over (order by m.id) - 1)::int as k, m.user_id
      from memberships m join users u on u.id = m.user_id
      where m.org_id = ${orgId} and m.role = 'agent' and m.active and u.password_hash is not null`);
    const [{ agents }] = await rows<{ agents: number }>(tx, sql`select count(*)::int as agents from bench_agent`);
    if (agents === 0) throw new Error("No signed-up agents to assign conversations to; raise --agents.");

    await tx.execute(sql`
      insert into workgroups (org_id, name, created_at)
      select ${orgId}, ${pick(textArray(workgroupNames), workgroupNames.length, sql`g - 1`)}
               || case when g > ${int(workgroupNames.length)} then ' ' || ((g - 1) / ${int(workgroupNames.length)} + 1) else '' end,
             ${nowSql} - interval '99 days'
      from generate_series(1, ${int(W)}) g`);
    await tx.execute(sql`
      create temp table bench_workgroup on commit drop as
      select (row_number() over (order by id) - 1)::int as k, id from workgroups where org_id = ${orgId}`);
    // Each agent sits in one or two workgroups; a conversation goes to its agent's first one.
    await tx.execute(sql`
      insert into workgroup_members (workgroup_id, user_id)
      select distinct w.id, a.user_id
      from bench_agent a join bench_workgroup w on w.k = a.k % ${int(W)} or w.k = (a.k * 7 + 3) % ${int(W)}`);

    await tx.execute(sql`
      insert into tags (org_id, name, color, created_at)
      select ${orgId}, ${pick(textArray(tagNames), tagNames.length, sql`g - 1`)}
               || case when g > ${int(tagNames.length)} then ' ' || ((g - 1) / ${int(tagNames.length)} + 1) else '' end,
             ${pick(textArray(tagColors), tagColors.length, sql`g`)}, ${nowSql} - interval '99 days'
      from generate_series(1, ${int(T)}) g`);
    await tx.execute(sql`
      create temp table bench_tag on commit drop as
      select (row_number() over (order by id) - 1)::int as k, id from tags where org_id = ${orgId}`);
    step("members, workgroups, tags");

    const [store, outlet] = await tx
      .insert(brands)
      .values([
        { orgId: org.id, name: "Bench Store", createdAt: now },
        { orgId: org.id, name: "Bench Outlet", createdAt: now },
      ])
      .returning();
    const channelRows: { kind: ChannelKind; name: string; brandId: number; config: Record<string, unknown> }[] = [
      { kind: "whatsapp", name: "WhatsApp Store", brandId: store.id, config: { phoneNumberId: "420000000000101", wabaId: "310000000000101", displayPhoneNumber: "+90 555 000 01 01" } },
      { kind: "whatsapp", name: "WhatsApp Outlet", brandId: outlet.id, config: { phoneNumberId: "420000000000102", wabaId: "310000000000102", displayPhoneNumber: "+90 555 000 01 02" } },
      { kind: "messenger", name: "Facebook page", brandId: store.id, config: { pageId: "110000000000101" } },
      { kind: "instagram", name: "Instagram", brandId: store.id, config: { pageId: "110000000000101", instagramAccountId: "170000000000101" } },
      { kind: "webchat", name: "Website chat", brandId: store.id, config: { allowedOrigins: ["https://store.example"] } },
    ];
    const created = await tx
      .insert(channels)
      .values(channelRows.map((c) => ({ ...c, orgId: org.id, webhookKey: newWebhookKey(), createdAt: now })))
      .returning({ id: channels.id, kind: channels.kind });
    // Ten slots weight the traffic: WhatsApp 60 %, Messenger 10 %, Instagram 10 %, web chat 20 %.
    const slots = [0, 0, 0, 0, 1, 1, 2, 3, 4, 4].map((i, slot) => sql`(${int(slot)}, ${int(created[i].id)}, ${sql.raw(`'${created[i].kind}'`)})`);
    await tx.execute(sql`create temp table bench_channel on commit drop as select * from (values ${sql.join(slots, sql`, `)}) v(slot, id, kind)`);

    await tx.execute(sql`
      create temp table bench_contact on commit drop as
      select k, nextval(pg_get_serial_sequence('contacts', 'id')) as id, ch.id::bigint as channel_id, ch.kind::text as kind
      from generate_series(0, ${int(C - 1)}) k join bench_channel ch on ch.slot = k % 10`);
    await tx.execute(sql`alter table bench_contact add primary key (k)`);
    await tx.execute(sql`
      insert into contacts (id, org_id, name, phone, email, custom_fields, created_at, updated_at)
      select id, ${orgId},
             ${pick(textArray(firstNames), firstNames.length, sql`k * 7 + 3`)} || ' ' || ${pick(textArray(lastNames), lastNames.length, sql`k / 5`)},
             case when kind = 'whatsapp' or k % 6 = 0 then '+90' || (5320000000 + k)::text end,
             case when kind = 'webchat' or k % 4 = 0 then 'contact' || k || '@example.com' end,
             case when k % 5 = 0 then jsonb_build_object('tier', ${pick(textArray(["Bronze", "Silver", "Gold"]), 3, sql`k / 5`)}, 'order_number', 'KN-' || (10000 + k))
                  else '{}'::jsonb end,
             ${nowSql} - interval '95 days' + (k % 10000) * interval '1 minute',
             ${nowSql} - interval '95 days' + (k % 10000) * interval '1 minute'
      from bench_contact`);
    await tx.execute(sql`
      insert into contact_identities (org_id, contact_id, channel_id, external_id, created_at)
      select ${orgId}, id, channel_id,
             case kind when 'whatsapp' then (905320000000 + k)::text when 'webchat' then 'visitor-' || k else (7100000000000 + k)::text end,
             ${nowSql} - interval '95 days'
      from bench_contact`);
    step(`${C.toLocaleString("en-US")} contacts`);

    // Conversation g belongs to contact g % C, in round g / C of that contact's history. Only the
    // last round may be open, so the one-open-conversation-per-contact index always holds; every
    // conversation of a contact goes to the same agent, as closing keeps the contact with its agent.
    const gap = sql`interval '${sql.raw(String(GAP_MINUTES))} minutes'`;
    const perConversation = Math.floor(M / N);
    await tx.execute(sql`
      create temp table bench_conversation on commit drop as
      with s as (
        select g, g % ${int(C)} as k, g / ${int(C)} as r, g + ${int(C)} >= ${int(N)} as is_last,
               ${int(perConversation)} + case when g < ${int(M % N)} then 1 else 0 end as m,
               ${unit(sql`g`, 1)} as u_open, ${unit(sql`g`, 2)} as u_assign, ${unit(sql`g`, 3)} as u_group,
               ${unit(sql`g`, 4)} as u_time, ${unit(sql`g`, 5)} as u_type
        from generate_series(0, ${int(N - 1)}) g
      ), t as (
        select s.*,
               case when is_last and u_open < ${sql.raw(String(openShare))} then 'open' else 'closed' end as status,
               (s.k::bigint * 7919) % ${int(agents)} as a
        from s
      ), v as (
        select t.*,
               (status = 'open' and u_assign < 0.55) or (status = 'closed' and u_assign < 0.9) as assigned,
               case when status = 'open' then ${nowSql} - u_time * interval '7 days'
                    else least(${nowSql} - interval '90 days' + ((r + u_time) / ${int(rounds)}) * interval '90 days', ${nowSql} - interval '15 minutes') end as last_message_at
        from t
      )
      select v.g, v.k, nextval(pg_get_serial_sequence('conversations', 'id')) as id, c.id as contact_id, c.channel_id, c.kind as channel_kind,
             v.status, v.is_last, v.m,
             case when v.assigned then a.user_id end as assignee_id,
             case when v.u_group < 0.75 or v.assigned then w.id end as workgroup_id,
             case when v.u_type < 0.80 then 'chat' when v.u_type < 0.85 then 'bot' when v.u_type < 0.88 then 'bulk'
                  when v.u_type < 0.92 then case when c.kind in ('messenger', 'instagram') then 'comment' else 'chat' end
                  when v.u_type < 0.95 then 'flow' when v.u_type < 0.97 then 'poll' else 'spam' end as type,
             v.last_message_at,
             v.last_message_at - greatest(v.m - 1, 0) * ${gap} - interval '1 minute' as created_at,
             v.m > 0 and (v.m = 1 or (v.m - 1 + v.g) % 2 = 0) as last_in
      from v
      join bench_contact c on c.k = v.k
      join bench_agent a on a.k = v.a
      join bench_workgroup w on w.k = v.a % ${int(W)}`);
    await tx.execute(sql`alter table bench_conversation add primary key (g)`);
    await tx.execute(sql`analyze bench_conversation`);

    // Message k of conversation g: the first is the contact's, then the sides alternate.
    const direction = (g: SQL, k: SQL) => sql`case when (${k}) = 0 or ((${k}) + (${g})) % 2 = 0 then 'in' else 'out' end`;
    const body = (g: SQL, k: SQL, j: SQL) =>
      sql`${pick(textArray(phrases), phrases.length, sql`(${g}) + (${k}) * 7`)} || case when (${j}) % 7 = 0 then ' #KN-' || (10000 + (${g}) % 90000) else '' end`;
    const [closing] = await rows<{ id: number }>(tx, sql`select id from closing_messages where org_id = ${orgId} order by position limit 1`);
    // The tab counts' trigger would add each row to the counts one at a time: they are added in one go below.
    await tx.execute(sql`alter table conversations disable trigger conversations_tab_counts_insert_delete`);
    await tx.execute(sql`
      insert into conversations (id, org_id, contact_id, channel_id, status, type, started_by, assignee_id, workgroup_id, created_at,
                                 last_message_at, last_message_preview, last_inbound_at, waiting_since, assigned_at, first_response_at,
                                 closed_at, closed_by, closing_message_id, reply_window_ends_at)
      select id, ${orgId}, contact_id, channel_id, status, type,
             case when type in ('bulk', 'flow', 'poll') then 'automation' when g % 10 = 0 then 'agent' else 'contact' end,
             assignee_id, workgroup_id, created_at, last_message_at,
             case when m > 0 then ${body(sql`g`, sql`m - 1`, sql`g + (m - 1) * ${int(N)}::bigint`)} else '' end,
             case when m = 0 then null when last_in then last_message_at else last_message_at - ${gap} end,
             case when status = 'open' and last_in then last_message_at end,
             case when assignee_id is not null then created_at + interval '30 seconds' end,
             case when assignee_id is not null and m > 1 + g % 2 then created_at + interval '1 minute' + (1 + g % 2) * ${gap} end,
             case when status = 'closed' then last_message_at + interval '10 minutes' end,
             case when status = 'closed' then assignee_id end,
             case when status = 'closed' and assignee_id is not null then ${int(Number(closing.id))}::bigint end,
             case when channel_kind <> 'webchat' and m > 0
                  then (case when last_in then last_message_at else last_message_at - ${gap} end) + interval '24 hours' end
      from bench_conversation`);
    await tx.execute(sql`alter table conversations enable trigger conversations_tab_counts_insert_delete`);
    await tx.execute(sql`
      insert into conversation_tab_counts as t (org_id, shard, open, assigned, closed)
      select ${orgId}, (c.id % 8)::integer,
             count(*) filter (where c.status = 'open' and c.assignee_id is null),
             count(*) filter (where c.status = 'open' and c.assignee_id is not null),
             count(*) filter (where c.status = 'closed')
      from bench_conversation c
      where c.channel_kind <> 'support'
      group by 2
      on conflict (org_id, shard) do update
        set open = t.open + excluded.open, assigned = t.assigned + excluded.assigned, closed = t.closed + excluded.closed`);
    await tx.execute(sql`
      update contacts set owner_id = c.assignee_id
      from bench_conversation c
      where contacts.id = c.contact_id and c.is_last and c.assignee_id is not null`);
    await tx.execute(sql`
      insert into conversation_tags (conversation_id, tag_id)
      select c.id, t.id from bench_conversation c join bench_tag t on t.k = c.g % ${int(T)} where c.g % 3 = 0
      union
      select c.id, t.id from bench_conversation c join bench_tag t on t.k = (c.g / 3 + 5) % ${int(T)} where c.g % 10 = 0`);
    step(`${N.toLocaleString("en-US")} conversations`);

    if (M > 0) {
      const dir = direction(sql`c.g`, sql`x.k`);
      await tx.execute(sql`
        insert into messages (org_id, conversation_id, channel_id, direction, author_id, kind, body, provider_message_id, delivery,
                              error_code, error_text, created_at, sent_at, delivered_at, read_at)
        select ${orgId}, c.id, c.channel_id, ${dir}, case when ${dir} = 'out' then c.assignee_id end, 'text',
               ${body(sql`c.g`, sql`x.k`, sql`x.j`)},
               ${slugText} || '-' || x.j,
               case when ${dir} = 'in' then null when x.j % 97 = 0 then 'failed' when x.j % 5 = 0 then 'delivered' else 'read' end,
               case when ${dir} = 'out' and x.j % 97 = 0 then '131047' end,
               case when ${dir} = 'out' and x.j % 97 = 0 then 'Re-engagement message' end,
               c.created_at + interval '1 minute' + x.k * ${gap},
               case when ${dir} = 'out' and x.j % 97 <> 0 then c.created_at + interval '1 minute' + x.k * ${gap} end,
               case when ${dir} = 'out' and x.j % 97 <> 0 then c.created_at + interval '1 minute' + x.k * ${gap} + interval '2 seconds' end,
               case when ${dir} = 'out' and x.j % 97 <> 0 and x.j % 5 <> 0 then c.created_at + interval '2 minutes' + x.k * ${gap} end
        from (select j, (j % ${int(N)})::int as g, (j / ${int(N)})::int as k from generate_series(0::bigint, ${int(M - 1)}) j) x
        join bench_conversation c on c.g = x.g`);
      step(`${M.toLocaleString("en-US")} messages`);
    }
    await rebuild();
    step("indexes and foreign keys");

    const [counts] = await rows<{ open: number; assigned: number; closed: number }>(
      tx,
      sql`select count(*) filter (where status = 'open')::int as open,
                 count(*) filter (where status = 'open' and assignee_id is not null)::int as assigned,
                 count(*) filter (where status = 'closed')::int as closed
          from bench_conversation`,
    );
    const [agent] = await rows<{ user_id: string; email: string }>(
      tx,
      sql`select a.user_id, u.email from bench_agent a join users u on u.id = a.user_id where a.k = 0`,
    );
    return { orgId: org.id, adminId, agent, counts, channels: created.length + 1 };
  });

  // What autovacuum does to a table after a bulk load, done now rather than during the measurements
  // (and on servers that run without it): statistics, hint bits and the visibility map, so reads
  // neither dirty pages nor visit the heap for index-only scans. Then the load's dirty pages are
  // written out, so a checkpoint does not write them while a case measures.
  await database.db.execute(sql`vacuum (analyze)`);
  step("vacuum and analyze");
  try {
    await database.db.execute(sql`checkpoint`);
    step("checkpoint");
  } catch (error) {
    log(`  no checkpoint (${(error as Error).message}); the server writes the load out in its own time`);
  }

  const seconds = (performance.now() - started) / 1000;
  return {
    orgId: result.orgId,
    slug,
    admin: { userId: result.adminId, email: adminEmail, password: BENCH_PASSWORD },
    agent: { userId: result.agent.user_id, email: result.agent.email, password: BENCH_PASSWORD },
    counts: {
      members: A + 1,
      workgroups: W,
      tags: T,
      channels: result.channels,
      contacts: C,
      conversations: N,
      open: result.counts.open,
      assigned: result.counts.assigned,
      closed: result.counts.closed,
      messages: M,
    },
    seconds,
  };
}

/**
 * Drops the indexes of `tables` that back no constraint, and their foreign keys, and returns a
 * function that recreates them from their saved definitions. Checking a foreign key row by row costs
 * more than the insert itself; adding it back validates every row in one join, and rebuilt unique
 * indexes (one open conversation per contact) are checked over every row too. Primary keys stay.
 */
async function dropSecondaryStructures(tx: DbOrTx, tables: string[]): Promise<() => Promise<void>> {
  const names = sql.join(
    tables.map((t) => sql`${t}`),
    sql`, `,
  );
  const indexes = await rows<{ name: string; definition: string }>(
    tx,
    sql`select i.indexname as name, i.indexdef as definition
        from pg_indexes i
        where i.schemaname = 'public' and i.tablename in (${names})
          and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
  );
  const foreignKeys = await rows<{ table: string; name: string; definition: string }>(
    tx,
    sql`select t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
        from pg_constraint c join pg_class t on t.oid = c.conrelid
        where c.contype = 'f' and t.relnamespace = 'public'::regnamespace and t.relname in (${names})`,
  );
  const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
  for (const fk of foreignKeys) await tx.execute(sql.raw(`alter table public.${ident(fk.table)} drop constraint ${ident(fk.name)}`));
  for (const index of indexes) await tx.execute(sql.raw(`drop index public.${ident(index.name)}`));
  return async () => {
    for (const index of indexes) await tx.execute(sql.raw(index.definition));
    for (const fk of foreignKeys) await tx.execute(sql.raw(`alter table public.${ident(fk.table)} add constraint ${ident(fk.name)} ${fk.definition}`));
  };
}

/** `bench`, or `bench-2`, … when an earlier run already used the name in this database. */
async function freeSlug(db: DbOrTx): Promise<string> {
  const taken = await rows<{ email: string }>(db, sql`select email from users where email like 'admin@bench%.test'`);
  const used = new Set(taken.map((r) => r.email));
  for (let n = 1; ; n++) {
    const slug = n === 1 ? "bench" : `bench-${n}`;
    if (!used.has(`admin@${slug}.test`)) return slug;
  }
}

function stepTimer(log: (line: string) => void) {
  let last = performance.now();
  return (what: string) => {
    const t = performance.now();
    log(`  ${what.padEnd(28)} ${((t - last) / 1000).toFixed(1)} s`);
    last = t;
  };
}

export function describeDataset(d: Dataset): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const c = d.counts;
  return (
    `${n(c.members)} members, ${c.workgroups} workgroups, ${c.tags} tags, ${c.channels} channels, ${n(c.contacts)} contacts, ` +
    `${n(c.conversations)} conversations (${n(c.open - c.assigned)} open unassigned, ${n(c.assigned)} assigned, ${n(c.closed)} closed), ` +
    `${n(c.messages)} messages in ${d.seconds.toFixed(1)} s`
  );
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} expects a whole number, got "${raw}"`);
  return n;
}

async function main() {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      conversations: { type: "string" },
      messages: { type: "string" },
      agents: { type: "string" },
      contacts: { type: "string" },
      "database-url": { type: "string" },
      "data-dir": { type: "string" },
      pglite: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "bun test/bench/generate.ts [--conversations 100000] [--messages 1000000] [--agents 200] [--contacts N]\n" +
        "                           [--database-url URL | --data-dir DIR | --pglite]\n\n" +
        "Without a target: recreates the database bench_kanal_data on BENCH_DATABASE_URL's server and keeps it.",
    );
    return;
  }
  const conversations = positiveInt("conversations", values.conversations, 100_000);
  const options: DatasetOptions = {
    conversations,
    messages: positiveInt("messages", values.messages, conversations * 10),
    agents: positiveInt("agents", values.agents, 200),
    contacts: values.contacts === undefined ? undefined : positiveInt("contacts", values.contacts, 0),
    log: (line) => console.log(line),
  };

  let target: BenchDatabase;
  let startHint: string;
  if (values.pglite) {
    target = await openMemoryPglite();
    startHint = "(in memory: gone when this process ends)";
  } else if (values["data-dir"]) {
    const dir = values["data-dir"];
    const database = await openPgliteDir(join(dir, "pglite"));
    target = { database, label: `PGlite in ${dir}`, destroy: () => database.close() };
    startHint = `DATA_DIR=${dir} DEMO_SEED=0 bun start`;
  } else if (values["database-url"]) {
    target = await openExistingPostgres(values["database-url"]);
    startHint = `DATABASE_URL=${values["database-url"]} bun start`;
  } else {
    target = await openFreshPostgres(process.env.BENCH_DATABASE_URL || DEFAULT_SERVER_URL, { name: "bench_kanal_data", keep: true, max: 4 });
    startHint = `DATABASE_URL=${target.url} bun start`;
  }
  console.log(`Generating into ${target.label}`);
  try {
    const dataset = await generateDataset(target.database, options);
    console.log(`Generated ${describeDataset(dataset)}`);
    console.log(`Sign in as ${dataset.admin.email} / ${dataset.admin.password}   ${startHint}`);
  } finally {
    await target.destroy();
  }
}

if (import.meta.main) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
