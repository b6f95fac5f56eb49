// The audit log: filtered by actor, operation (a trailing "." for a prefix) or object, newest
// first; and the chain verified on the server.
import { call } from "../api";
import { h, replace, when } from "../dom";
import { t } from "../i18n";

interface Row {
  id: number;
  time: string;
  actor: string;
  operation: string;
  object: string;
  detail: string;
}

export async function auditPage(main: HTMLElement): Promise<void> {
  const actor = h("input", { id: "audit-actor", placeholder: "console:operator" });
  const operation = h("input", { id: "audit-operation", placeholder: "seal." });
  const object = h("input", { id: "audit-object" });
  const chain = h("p", { id: "chain", role: "status" });
  const body = h("tbody");
  const load = async () => {
    const query = new URLSearchParams({ limit: "200" });
    for (const [key, input] of [["actor", actor], ["operation", operation], ["object", object]] as const) {
      if (input.value) query.set(key, input.value);
    }
    const { rows } = await call<{ rows: Row[] }>("GET", `/audit?${query}`);
    replace(body, rows.map((r) => h("tr", null, h("td", null, String(r.id)), h("td", null, when(r.time)), h("td", null, r.actor),
      h("td", null, r.operation), h("td", null, r.object), h("td", null, r.detail))));
  };
  replace(main, h("h1", null, t("audit")),
    h("form", { class: "card filters", onsubmit: (e: Event) => { e.preventDefault(); void load(); } },
      h("label", { for: "audit-actor" }, t("actor")), actor,
      h("label", { for: "audit-operation" }, t("operation")), operation,
      h("label", { for: "audit-object" }, t("object")), object,
      h("button", { type: "submit" }, t("filter")),
      h("button", { type: "button", class: "primary", id: "verify-chain", onclick: async () => {
        const r = await call<{ rows: number; intact: boolean; firstBroken: number | null }>("POST", "/audit/verification");
        chain.textContent = r.intact ? t("chainIntact", { rows: r.rows }) : t("chainBroken", { row: r.firstBroken ?? "?" });
        chain.className = r.intact ? "ok" : "error";
      } }, t("verifyChain"))),
    chain,
    h("div", { class: "table-wrap" }, h("table", null, h("thead", null, h("tr", null,
      ["#", t("time"), t("actor"), t("operation"), t("object"), t("detail")].map((c) => h("th", null, c)))), body)));
  await load();
}
