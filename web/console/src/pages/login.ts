import { ApiError, call, type Session } from "../api";
import { h, replace } from "../dom";
import { t } from "../i18n";

export function loginPage(main: HTMLElement, done: (session: Session) => void): void {
  const message = h("p", { class: "error", role: "alert", hidden: true });
  const login = h("input", { id: "login", name: "login", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h(
    "form",
    { class: "card narrow", onsubmit: async (event: Event) => {
      event.preventDefault();
      message.hidden = true;
      try {
        done(await call<Session>("POST", "/session", { login: login.value, password: password.value }));
      } catch (e) {
        message.textContent = e instanceof ApiError ? e.message : String(e);
        message.hidden = false;
      }
    } },
    h("h1", null, t("login")),
    message,
    h("label", { for: "login" }, t("loginName")),
    login,
    h("label", { for: "password" }, t("password")),
    password,
    h("button", { class: "primary", type: "submit" }, t("login")),
  );
  replace(main, form);
}
