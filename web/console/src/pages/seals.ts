// Seals: each with its picture, status and history; freeze, unfreeze and revoke with a reason;
// and a new seal made from a design whose picture is previewed as it is typed.
import { call, type Seal, type Session } from "../api";
import { h, replace, when } from "../dom";
import { t, tr } from "../i18n";
import { showError } from "../main";

interface AuditRow {
  time: string;
  actor: string;
  operation: string;
  detail: string;
}

export async function sealsPage(main: HTMLElement, session: Session): Promise<void> {
  const canWrite = session.permissions.includes("seals.write");
  const list = h("div", { class: "seal-grid" });
  replace(main, h("h1", null, t("seals")), canWrite ? await makeForm(() => void refresh()) : null, list);

  async function refresh(): Promise<void> {
    const { seals } = await call<{ seals: Seal[] }>("GET", "/seals");
    replace(list, seals.map((seal) => card(seal)));
  }

  function card(seal: Seal): HTMLElement {
    const history = h("ol", { class: "history", hidden: true });
    const change = async (status: string) => {
      const reason = prompt(t("reasonPrompt"));
      if (!reason) return;
      try {
        await call("POST", `/seals/${encodeURIComponent(seal.id)}/status`, { status, reason });
        await refresh();
      } catch (e) {
        showError(main, e);
      }
    };
    const actions = canWrite
      ? [
          seal.status === "valid" && h("button", { type: "button", onclick: () => change("frozen") }, t("freeze")),
          seal.status === "frozen" && h("button", { type: "button", onclick: () => change("valid") }, t("unfreeze")),
          seal.status !== "revoked" && h("button", { type: "button", class: "danger", onclick: () => change("revoked") }, t("revoke")),
        ]
      : [];
    return h(
      "article",
      { class: "card seal", "data-seal": seal.id },
      h("img", { src: `/api/v1/seals/${encodeURIComponent(seal.id)}/picture`, alt: seal.name, loading: "lazy" }),
      h("h2", null, seal.name),
      h("p", null, h("span", { class: `status status-${seal.status}` }, tr(`status.${seal.status}`, seal.status)), " ", seal.typeName),
      h("p", { class: "muted" }, seal.id),
      h("p", { class: "muted" }, `${t("validity")}: ${when(seal.validStart)} – ${when(seal.validEnd)}`),
      h("div", { class: "actions" }, actions, h("button", { type: "button", class: "link", onclick: async () => {
        if (!history.hidden) { history.hidden = true; return; }
        const { history: rows } = await call<{ history: AuditRow[] }>("GET", `/seals/${encodeURIComponent(seal.id)}/history`);
        replace(history, rows.map((r) => h("li", null, `${when(r.time)} ${r.actor} ${r.operation} ${r.detail}`)));
        history.hidden = false;
      } }, t("history"))),
      history,
    );
  }

  await refresh();
}

async function makeForm(made: () => void): Promise<HTMLElement> {
  const { certificates } = await call<{ certificates: { subject: string }[] }>("GET", "/certificates");
  const name = h("input", { id: "seal-name", required: true });
  const type = h(
    "select",
    { id: "seal-type" },
    [[1, "公章"], [2, "财务专用章"], [3, "发票专用章"], [4, "法定代表人名章"], [5, "合同专用章"], [6, "业务专用章"], [99, "其他"]].map(
      ([code, label]) => h("option", { value: code }, label),
    ),
  );
  const template = h("select", { id: "seal-template" }, ["", "round", "oval", "square"].map((v) => h("option", { value: v }, v || "—")));
  const code = h("input", { id: "seal-code" });
  const signer = h("select", { id: "seal-signer" }, certificates.map((c) => h("option", { value: c.subject }, c.subject)));
  const preview = h("img", { class: "preview", alt: t("preview"), hidden: true });
  const design = () => ({ name: name.value, type: Number(type.value), template: template.value, code: code.value });
  let timer = 0;
  const update = () => {
    clearTimeout(timer);
    timer = window.setTimeout(async () => {
      if (!name.value) { preview.hidden = true; return; }
      try {
        const svg = await call<Blob>("POST", "/seal-previews", design());
        URL.revokeObjectURL(preview.src);
        preview.src = URL.createObjectURL(svg);
        preview.hidden = false;
      } catch {
        preview.hidden = true;
      }
    }, 250);
  };
  for (const input of [name, type, template, code]) input.addEventListener("input", update);
  const form = h(
    "form",
    { class: "card make", onsubmit: async (event: Event) => {
      event.preventDefault();
      try {
        await call("POST", "/seals", { ...design(), signer: signer.value });
        form.reset();
        preview.hidden = true;
        made();
      } catch (e) {
        showError(form, e);
      }
    } },
    h("h2", null, t("makeSeal")),
    h("div", { class: "make-fields" },
      h("div", null,
        h("label", { for: "seal-name" }, t("sealName")), name,
        h("label", { for: "seal-type" }, t("type")), type,
        h("label", { for: "seal-template" }, t("template")), template,
        h("label", { for: "seal-code" }, t("code")), code,
        h("label", { for: "seal-signer" }, t("certificate")), signer,
        h("button", { class: "primary", type: "submit" }, t("make"))),
      preview),
  );
  return form;
}
