// The "Copy" button beside a new API token: copies the field it names and says so.
// Loaded by the token pages (no inline script: strict CSP). htmx swaps the panel in
// after creation, so the click is handled by delegation on the document.
document.addEventListener("click", async (event) => {
  const button = event.target.closest(".js-copy");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field) return;
  field.focus();
  field.select();
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch (error) {
    // No clipboard permission (or not a secure context): the text stays selected.
    copied = false;
  }
  if (status) {
    status.textContent = copied
      ? "Copied. Paste it where it is needed; it is not shown again."
      : "Selected: press Ctrl+C (⌘C on a Mac) to copy it.";
  }
});
