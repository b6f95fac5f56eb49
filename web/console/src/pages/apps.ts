// Apps: the business systems integrated over LD/T, COSS and DB4403. An administrator adds one
// for the families it uses, replaces its secrets and switches it on or off; secrets are shown
// once, in the answer that made them, and never listed.
import { call, type Session } from "../api";
import { h, replace, when } from "../dom";
import { t } from "../i18n";
import { showError } from "../main";

interface App {
  syscode: string;
  name: string;
  enabled: boolean;
  families: string[];
  scopes: string[];
  created: string;
  secrets?: Record<string, string>;
}

const families = ["ldt", "coss", "sz"];

export async function appsPage(main: HTMLElement, session: Session): Promise<void> {
  const canWrite = session.permissions.includes("apps.write");
  const body = h("tbody");
  const shown = h("div", { "aria-live": "polite" });

  // The secrets of `app`, this once: the person copies them to the business system now.
  const showSecrets = (app: App) => {
    const secrets = app.secrets ?? {};
    replace(shown, h("section", { class: "card secrets", id: "secrets", role: "alert" },
      h("h2", null, t("secretsTitle", { name: app.name })),
      h("p", { class: "warning" }, t("secretsOnce")),
      h("dl", null, h("dt", null, "syscode / appId"), h("dd", null, h("code", null, app.syscode)),
        Object.entries(secrets).flatMap(([key, value]) => [h("dt", null, key), h("dd", null, h("code", { "data-secret": key }, value))]))));
  };

  const load = async () => {
    const { apps } = await call<{ apps: App[] }>("GET", "/apps");
    replace(body, apps.map((a) => h("tr", null, h("td", null, h("code", null, a.syscode)), h("td", null, a.name),
      h("td", null, a.families.join(", ")), h("td", null, a.scopes.join(", ")),
      h("td", null, a.enabled ? t("enabled") : t("disabled")), h("td", null, when(a.created)),
      h("td", null, canWrite
        ? [h("button", { type: "button", onclick: async () => {
            if (!confirm(t("rotateConfirm", { name: a.name }))) return;
            try {
              showSecrets(await call<App>("POST", `/apps/${encodeURIComponent(a.syscode)}/secrets`));
            } catch (error) {
              showError(main, error);
            }
          } }, t("rotate")), " ",
          h("button", { type: "button", onclick: async () => {
            try {
              await call("PATCH", `/apps/${encodeURIComponent(a.syscode)}`, { enabled: !a.enabled });
              await load();
            } catch (error) {
              showError(main, error);
            }
          } }, a.enabled ? t("disable") : t("enable"))]
        : null))));
  };

  const name = h("input", { id: "app-name", required: true });
  const boxes = families.map((f) => h("input", { type: "checkbox", id: `family-${f}`, value: f, checked: f === "ldt" }));
  const scopes = h("input", { id: "app-scopes", value: "*" });
  const certificate = h("textarea", { id: "app-cert", rows: "4", placeholder: "-----BEGIN CERTIFICATE-----" });
  const form = canWrite
    ? h("form", { class: "card", id: "add-app", onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const added = await call<App>("POST", "/apps", {
            name: name.value,
            families: boxes.filter((b) => b.checked).map((b) => b.value),
            scopes: scopes.value,
            certificate: certificate.value.trim() || undefined,
          });
          (e.target as HTMLFormElement).reset();
          showSecrets(added);
          await load();
        } catch (error) {
          showError(form!, error);
        }
      } }, h("h2", null, t("addApp")),
        h("label", { for: "app-name" }, t("name")), name,
        h("fieldset", null, h("legend", null, t("families")),
          boxes.map((b) => h("label", { class: "check-option" }, b, t(`family.${b.value}` as "family.ldt")))),
        h("label", { for: "app-scopes" }, t("scopes")), scopes,
        h("label", { for: "app-cert" }, t("appCertificate")), certificate,
        h("button", { class: "primary", type: "submit" }, t("create")))
    : null;
  replace(main, h("h1", null, t("apps")), shown, form, h("div", { class: "table-wrap" }, h("table", null,
    h("thead", null, h("tr", null, ["syscode", t("name"), t("families"), t("scopes"), t("status"), t("created"), t("actions")].map((c) => h("th", null, c)))),
    body)));
  await load();
}
