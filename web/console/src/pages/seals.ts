// Seals: each with its picture, status and history; freeze, unfreeze and revoke with a reason;
// a new seal made from a design whose picture is previewed as it is typed; a seal made
// elsewhere registered from its file; and a seal filed with the national platform (备案).
import { ApiError, call, type Seal, type Session } from "../api";
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
  const canFile = session.permissions.includes("filing.write");
  const list = h("div", { class: "seal-grid" });
  replace(main, h("h1", null, t("seals")),
    canWrite ? [await makeForm(() => void refresh()), registerForm(() => void refresh())] : null, list);

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
      canFile ? filingPanel(seal) : null,
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

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// A seal made by another seal maker: its file (SES_Seal DER), and the signer's certificate when
// the seal lists its signers by digest.
function registerForm(registered: () => void): HTMLElement {
  const seal = h("input", { id: "register-seal", type: "file", accept: ".esl,.der,.seal,application/octet-stream", required: true });
  const certificate = h("input", { id: "register-cert", type: "file", accept: ".pem,.crt,.cer" });
  const form = h(
    "form",
    { class: "card register", onsubmit: async (event: Event) => {
      event.preventDefault();
      const file = seal.files?.[0];
      if (!file) return;
      try {
        const cert = certificate.files?.[0];
        await call("POST", "/seal-registrations", { seal: await base64Of(file), certificate: cert ? await cert.text() : undefined });
        form.reset();
        registered();
      } catch (e) {
        showError(form, e);
      }
    } },
    h("h2", null, t("registerSeal")),
    h("label", { for: "register-seal" }, t("sealFile")), seal,
    h("label", { for: "register-cert" }, t("signerCertificateOptional")), certificate,
    h("button", { class: "primary", type: "submit" }, t("register")),
  );
  return form;
}

interface FilingRun {
  filed: boolean;
  state?: string;
  lastStep?: string;
  sealCode?: string;
}

// Where a seal stands in its filing (备案) with the national platform, and a form that files it
// (or resumes a run that stopped): every step, as `eseal filing run` does.
function filingPanel(seal: Seal): HTMLElement {
  const status = h("p", { class: "muted filing-status" });
  const fields = ["area", "district", "makerCode", "makerName", "handlerName", "handlerId"] as const;
  const inputs = Object.fromEntries(fields.map((f) => [f, h("input", { id: `filing-${f}-${seal.id}`, name: f })])) as Record<(typeof fields)[number], HTMLInputElement>;
  const form = h("form", { class: "filing-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const body = Object.fromEntries(fields.map((f) => [f, inputs[f].value.trim()]));
    replace(status, t("filingRunning"));
    try {
      const done = await call<{ sealCode: string }>("POST", `/seals/${encodeURIComponent(seal.id)}/filing`, body);
      replace(status, t("filingDone", { code: done.sealCode }));
    } catch (e) {
      replace(status, h("span", { class: "error", role: "alert" }, e instanceof Error ? e.message : String(e)));
    }
  } },
    fields.flatMap((f) => [h("label", { for: inputs[f].id }, t(`filing.${f}`)), inputs[f]]),
    h("button", { type: "submit" }, t("fileSeal")));
  const panel = h("details", { class: "filing", ontoggle: async () => {
    if (!panel.open) return;
    try {
      const run = await call<FilingRun>("GET", `/seals/${encodeURIComponent(seal.id)}/filing`);
      replace(status, run.filed ? t("filingDone", { code: run.sealCode ?? "" })
        : run.state ? t("filingStopped", { step: run.lastStep || "—" }) : t("filingNone"));
      form.hidden = run.filed;
    } catch (e) {
      form.hidden = true;
      replace(status, e instanceof ApiError && e.status === 503 ? t("filingNotConfigured") : e instanceof Error ? e.message : String(e));
    }
  } }, h("summary", null, t("filing")), status, form);
  return panel;
}
