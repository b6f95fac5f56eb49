// Console accounts: who may sign in with which role; an administrator adds and changes them.
import { call, type Account, type Session } from "../api";
import { h, replace } from "../dom";
import { t, tr } from "../i18n";
import { showError } from "../main";

export async function accountsPage(main: HTMLElement, session: Session): Promise<void> {
  const body = h("tbody");
  const load = async () => {
    const { accounts } = await call<{ accounts: Account[] }>("GET", "/accounts");
    replace(body, accounts.map((a) => h("tr", null, h("td", null, a.login), h("td", null, a.name),
      h("td", null, tr(`role.${a.role}`, a.role)),
      h("td", null, a.enabled ? t("enabled") : t("disabled"), a.locked ? ` · ${t("locked")}` : ""),
      h("td", null, session.permissions.includes("accounts.write") && a.login !== session.account.login
        ? h("button", { type: "button", onclick: async () => {
            try {
              await call("PATCH", `/accounts/${encodeURIComponent(a.login)}`, { enabled: !a.enabled });
              await load();
            } catch (error) {
              showError(main, error);
            }
          } }, a.enabled ? t("disabled") : t("enabled"))
        : null))));
  };
  const login = h("input", { id: "new-login", required: true });
  const name = h("input", { id: "new-name" });
  const role = h("select", { id: "new-role" }, ["admin", "seal-admin", "operator", "auditor"].map((r) => h("option", { value: r }, tr(`role.${r}`, r))));
  const password = h("input", { id: "new-password", type: "password", minlength: "10", required: true, autocomplete: "new-password" });
  const form = session.permissions.includes("accounts.write")
    ? h("form", { class: "card", onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await call("POST", "/accounts", { login: login.value, name: name.value, role: role.value, password: password.value });
          (e.target as HTMLFormElement).reset();
          await load();
        } catch (error) {
          showError(form!, error);
        }
      } }, h("h2", null, t("createAccount")),
        h("label", { for: "new-login" }, t("loginName")), login, h("label", { for: "new-name" }, t("name")), name,
        h("label", { for: "new-role" }, t("role")), role, h("label", { for: "new-password" }, t("password")), password,
        h("button", { class: "primary", type: "submit" }, t("create")))
    : null;
  replace(main, h("h1", null, t("accounts")), form, h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, [t("loginName"), t("name"), t("role"), t("status"), t("actions")].map((c) => h("th", null, c)))), body)));
  await load();
}
