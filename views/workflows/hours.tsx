// Admin → Business hours: the week and holidays of the organization or a workgroup, and each
// channel's out-of-office reply and welcome message.
import type { ChannelReplies } from "../../src/workflows/business-hours";
import { Alert, Field, FormError, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout } from "../admin/shell";

export interface HoursPageProps {
  ui: Ui;
  timeZone: string;
  workgroups: { id: number; name: string }[];
  workgroupId: number | null;
  hours: FormState;
  replies: FormState;
  channels: ChannelReplies;
  flash: Flash;
}

export function BusinessHoursPage(p: HoursPageProps) {
  const { ui } = p;
  const action = p.workgroupId === null ? "/admin/business-hours" : `/admin/business-hours?workgroup=${p.workgroupId}`;
  return (
    <AdminLayout ui={ui} title={ui.t("hours.title")}>
      <h1>{ui.t("hours.title")}</h1>
      <p class="muted">{ui.t("hours.intro", { zone: p.timeZone })}</p>
      {p.flash ? <Alert kind={p.flash.kind}>{p.flash.text}</Alert> : null}
      <form method="get" action="/admin/business-hours">
        <label>
          {ui.t("hours.scope")}{" "}
          <select name="workgroup">
            <option value="">{ui.t("hours.organization")}</option>
            {p.workgroups.map((g) => (
              <option value={String(g.id)} selected={g.id === p.workgroupId}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{ui.t("hours.show")}</button>
      </form>
      <form method="post" action={action}>
        <FormError form={p.hours} text={ui.t("workflows.fix")} />
        {[1, 2, 3, 4, 5, 6, 0].map((d) => (
          <Field form={p.hours} name={`d${d}`} label={ui.t("hours.day", { day: ui.t(`hours.day.${d}` as "hours.day.0") })} maxlength={200} />
        ))}
        <TextArea form={p.hours} name="holidays" label={ui.t("hours.holidays")} rows={4} />
        <button type="submit" class="primary">
          {ui.t("common.save")}
        </button>
      </form>
      <h2>{ui.t("hours.replies")}</h2>
      <p class="muted">{ui.t("hours.repliesIntro")}</p>
      <form method="post" action="/admin/business-hours/replies">
        <FormError form={p.replies} text={ui.t("workflows.fix")} />
        {p.channels.map((ch) => (
          <fieldset>
            <legend>{ch.name}</legend>
            <TextArea form={p.replies} name={`ooo_${ch.id}`} label={ui.t("hours.outOfOffice", { channel: ch.name })} maxlength={4096} />
            <TextArea form={p.replies} name={`welcome_${ch.id}`} label={ui.t("hours.welcome", { channel: ch.name })} maxlength={4096} />
            <Field form={p.replies} name={`gap_${ch.id}`} type="number" label={ui.t("hours.gap", { channel: ch.name })} />
          </fieldset>
        ))}
        <button type="submit" class="primary">
          {ui.t("common.save")}
        </button>
      </form>
    </AdminLayout>
  );
}
