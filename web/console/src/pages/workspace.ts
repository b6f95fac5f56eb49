// The signing workspace: open a PDF (drawn by pdf.js) or an OFD (pages drawn by eseal's OFD
// renderer), drag a seal onto a page — or choose keyword or cross-page placement — sign through
// the server, and download the signed document.
import * as pdfjs from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { call, type DocumentRecord, type Seal } from "../api";
import { h, replace } from "../dom";
import { t } from "../i18n";
import { showError } from "../main";

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

interface PageSize {
  widthMm: number;
  heightMm: number;
}
interface SealDetail {
  seal: Seal;
  widthMm: number;
  heightMm: number;
}
interface Placed {
  page: number;
  xMm: number;
  yMm: number;
}

const round = (v: number) => Math.round(v * 10) / 10;

export async function workspacePage(main: HTMLElement): Promise<void> {
  const { seals } = await call<{ seals: Seal[] }>("GET", "/seals?status=valid");
  let chosen: SealDetail | null = null;
  let documentId = "";
  let format: "pdf" | "ofd" = "pdf";
  let pages: PageSize[] = [];
  let placed: Placed | null = null;

  const viewer = h("div", { class: "viewer", "aria-live": "polite" }, h("p", { class: "muted" }, t("dragSeal")));
  const status = h("p", { class: "placed", role: "status" });
  const result = h("div", { class: "result" });
  const mode = h("select", { id: "mode", onchange: () => showMode() },
    h("option", { value: "position" }, t("position")),
    h("option", { value: "keyword" }, t("keyword")),
    h("option", { value: "cross-page" }, t("crossPage")));
  const keyword = h("input", { id: "keyword", placeholder: t("keyword") });
  const which = h("select", { id: "which" }, ["first", "last", "all"].map((w) => h("option", { value: w }, t(w as "first"))));
  const side = h("select", { id: "side" }, ["right", "left"].map((s) => h("option", { value: s }, t(s as "right"))));
  const keywordFields = h("div", { hidden: true }, h("label", { for: "keyword" }, t("keyword")), keyword, h("label", { for: "which" }, t("which")), which);
  const crossFields = h("div", { hidden: true }, h("label", { for: "side" }, t("side")), side);
  const previewButton = h("button", { type: "button", id: "preview", hidden: true, onclick: () => void preview() }, t("preview"));
  const showMode = () => {
    keywordFields.hidden = mode.value !== "keyword";
    crossFields.hidden = mode.value !== "cross-page";
    previewButton.hidden = mode.value === "position";
    viewer.querySelectorAll(".plan").forEach((e) => e.remove());
  };

  const palette = h("div", { class: "palette" }, seals.map((seal) =>
    h("img", {
      class: "palette-seal",
      src: `/api/v1/seals/${encodeURIComponent(seal.id)}/picture`,
      alt: seal.name,
      title: `${seal.name} (${seal.id})`,
      "data-seal": seal.id,
      draggable: "false",
      onpointerdown: (event: PointerEvent) => startDrag(event, seal),
    })));

  const withCode = h("input", { id: "with-code", type: "checkbox" });
  const file = h("input", { id: "document", type: "file", accept: ".pdf,.ofd,application/pdf", onchange: () => void open() });
  replace(
    main,
    h("h1", null, t("sign")),
    h("div", { class: "workspace" },
      h("aside", { class: "card tools" },
        h("label", { for: "document" }, t("openDocument")), file,
        h("h2", null, t("seals")), palette,
        h("label", { for: "mode" }, t("placement")), mode, keywordFields, crossFields,
        status,
        previewButton,
        h("label", { class: "check-option" }, withCode, t("withCode")),
        h("button", { class: "primary", type: "button", id: "sign", onclick: () => void sign() }, t("signNow")),
        result),
      viewer),
  );

  async function open(): Promise<void> {
    const picked = file.files?.[0];
    if (!picked) return;
    try {
      const uploaded = await call<DocumentRecord>("POST", "/documents", picked, "application/octet-stream");
      await show(uploaded.id);
      replace(result);
    } catch (e) {
      showError(main, e);
    }
  }

  async function show(id: string): Promise<void> {
    documentId = id;
    placed = null;
    status.textContent = "";
    const info = await call<{ document: DocumentRecord; pages: PageSize[] }>("GET", `/documents/${id}`);
    format = info.document.format;
    pages = info.pages;
    const width = Math.min(820, Math.max(280, viewer.clientWidth - 24));
    replace(viewer);
    let pdf: pdfjs.PDFDocumentProxy | null = null;
    if (format === "pdf") {
      const bytes = await call<Blob>("GET", `/documents/${id}/content`);
      pdf = await pdfjs.getDocument({
        data: new Uint8Array(await bytes.arrayBuffer()),
        cMapUrl: `${import.meta.env.BASE_URL}pdfjs/cmaps/`,
        cMapPacked: true,
        standardFontDataUrl: `${import.meta.env.BASE_URL}pdfjs/standard_fonts/`,
        isEvalSupported: false,
      }).promise;
    }
    for (const [index, size] of pages.entries()) {
      const height = (width * size.heightMm) / size.widthMm;
      const sheet = h("div", { class: "page", "data-page": index + 1, style: { width: `${width}px`, height: `${height}px` } });
      viewer.appendChild(sheet);
      if (pdf) {
        const page = await pdf.getPage(index + 1);
        const scale = width / page.getViewport({ scale: 1 }).width;
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: scale * ratio });
        const canvas = h("canvas", { width: Math.floor(viewport.width), height: Math.floor(viewport.height), style: { width: `${width}px`, height: `${height}px` } });
        sheet.appendChild(canvas);
        await page.render({ canvas, canvasContext: canvas.getContext("2d")!, viewport }).promise;
      } else {
        const dpi = Math.round(((width * (window.devicePixelRatio || 1)) / size.widthMm) * 25.4);
        sheet.appendChild(h("img", { src: `/api/v1/documents/${id}/pages/${index + 1}?dpi=${Math.min(300, dpi)}`, alt: `${t("page")} ${index + 1}`, style: { width: `${width}px`, height: `${height}px` } }));
      }
    }
  }

  async function choose(seal: Seal): Promise<SealDetail> {
    if (!chosen || chosen.seal.id !== seal.id) chosen = await call<SealDetail>("GET", `/seals/${encodeURIComponent(seal.id)}`);
    palette.querySelectorAll(".palette-seal").forEach((e) => e.classList.toggle("chosen", e.getAttribute("data-seal") === seal.id));
    return chosen;
  }

  // Pointer-driven drag (mouse, pen or finger): a ghost of the seal at its real size follows the
  // pointer; released over a page, the seal's top-left corner is placed there in millimetres. The
  // listeners are in place before anything is awaited, so a quick drag is never lost.
  function startDrag(event: PointerEvent, seal: Seal): void {
    event.preventDefault();
    const details = choose(seal);
    const sheet = viewer.querySelector<HTMLElement>(".page");
    if (!sheet || mode.value !== "position") return;
    const pxPerMm = sheet.clientWidth / pages[0].widthMm;
    const src = (event.target as HTMLImageElement).src;
    const ghost = h("img", { class: "ghost", src, alt: "", style: { width: `${40 * pxPerMm}px`, height: `${40 * pxPerMm}px` } });
    document.body.appendChild(ghost);
    void details.then((d) => {
      ghost.style.width = `${d.widthMm * pxPerMm}px`;
      ghost.style.height = `${d.heightMm * pxPerMm}px`;
    });
    const move = (e: PointerEvent) => {
      ghost.style.left = `${e.clientX - ghost.clientWidth / 2}px`;
      ghost.style.top = `${e.clientY - ghost.clientHeight / 2}px`;
    };
    move(event);
    const up = async (e: PointerEvent) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      ghost.remove();
      const target = document.elementsFromPoint(e.clientX, e.clientY).find((el) => el.classList.contains("page")) as HTMLElement | undefined;
      if (!target) return;
      const detail = await details;
      const index = Number(target.dataset.page) - 1;
      const rect = target.getBoundingClientRect();
      const scale = rect.width / pages[index].widthMm;
      const x = (e.clientX - rect.left) / scale - detail.widthMm / 2;
      const y = (e.clientY - rect.top) / scale - detail.heightMm / 2;
      place({ page: index + 1, xMm: round(x), yMm: round(y) }, src, detail);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  function place(where: Placed, src: string, detail: SealDetail): void {
    viewer.querySelectorAll(".marker").forEach((e) => e.remove());
    const sheet = viewer.querySelector<HTMLElement>(`.page[data-page="${where.page}"]`)!;
    const scale = sheet.clientWidth / pages[where.page - 1].widthMm;
    sheet.appendChild(h("img", { class: "marker", src, alt: detail.seal.name, style: {
      left: `${where.xMm * scale}px`, top: `${where.yMm * scale}px`,
      width: `${detail.widthMm * scale}px`, height: `${detail.heightMm * scale}px` } }));
    placed = where;
    status.textContent = t("placed", { page: where.page, x: where.xMm, y: where.yMm });
  }

  // The placement asked for, from the form and the seal dropped (null: nothing to ask yet).
  function placement(): Record<string, unknown> | null {
    if (mode.value === "position") return placed ? { type: "position", ...placed } : null;
    if (mode.value === "keyword") return { type: "keyword", keyword: keyword.value, which: which.value };
    return { type: "cross-page", side: side.value };
  }

  // Where the server would stamp (keyword hits, cross-page slices), drawn on the pages: the same
  // rules as signing, asked of the server, so the preview cannot disagree with the result.
  async function preview(): Promise<void> {
    replace(result);
    viewer.querySelectorAll(".plan").forEach((e) => e.remove());
    const wanted = placement();
    if (!chosen) return showError(result, t("chooseSeal"));
    if (!wanted || !documentId) return;
    try {
      const { stamps } = await call<{ stamps: { page: number; visible: { xMm: number; yMm: number; widthMm: number; heightMm: number } }[] }>(
        "POST", `/documents/${documentId}/placements`, {
        sealId: chosen.seal.id, placement: wanted, verificationCode: withCode.checked,
      });
      for (const stamp of stamps) {
        const sheet = viewer.querySelector<HTMLElement>(`.page[data-page="${stamp.page}"]`);
        if (!sheet) continue;
        const scale = sheet.clientWidth / pages[stamp.page - 1].widthMm;
        sheet.appendChild(h("div", { class: "plan", style: {
          left: `${stamp.visible.xMm * scale}px`, top: `${stamp.visible.yMm * scale}px`,
          width: `${stamp.visible.widthMm * scale}px`, height: `${stamp.visible.heightMm * scale}px` } }));
      }
      status.textContent = t("planned", { count: stamps.length });
    } catch (e) {
      showError(result, e);
    }
  }
  side.addEventListener("change", showMode);

  async function sign(): Promise<void> {
    replace(result);
    if (!chosen) return showError(result, t("chooseSeal"));
    const wanted = placement();
    if (!wanted) return showError(result, t("noPlacement"));
    try {
      const signed = await call<DocumentRecord>("POST", `/documents/${documentId}/stamp`, {
        sealId: chosen.seal.id, placement: wanted, verificationCode: withCode.checked,
      });
      await show(signed.id);
      replace(result,
        h("p", { class: "ok", role: "status" }, t("signed")),
        signed.verificationCode
          ? h("p", null, `${t("codeLabel")}: `, h("a", { id: "verification-link", href: `#/verify/${signed.verificationCode}` }, signed.verificationCode))
          : null,
        h("a", { class: "button primary", id: "download", href: `/api/v1/documents/${signed.id}/content`, download: `${signed.id}.${format}` }, t("download")));
    } catch (e) {
      showError(result, e);
    }
  }
}
