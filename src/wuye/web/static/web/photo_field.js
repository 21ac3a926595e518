/* Wuye photo field (workflow/partials/photo_field.html): previews of the chosen pictures, with
   a warning on one over the size limit. HEIC cannot be previewed by most browsers: its name is
   shown instead (the server stores it as JPEG). Delegated and idempotent. */
(function () {
  "use strict";
  if (window.wuyePhotoField) return;
  window.wuyePhotoField = true;

  var urls = new WeakMap(); // input -> object URLs to release

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("photo-input")) return;
    var field = input.closest("[data-photo-field]");
    var list = field && field.querySelector(".photo-previews");
    if (!list) return;
    (urls.get(input) || []).forEach(function (url) { URL.revokeObjectURL(url); });
    var made = [];
    list.textContent = "";
    var max = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      item.className = "photo-preview";
      var img = document.createElement("img");
      var url = URL.createObjectURL(file);
      made.push(url);
      img.src = url;
      img.alt = file.name;
      img.onerror = function () {
        img.replaceWith(Object.assign(document.createElement("span"), {
          className: "photo-preview-name",
          textContent: file.name,
        }));
      };
      var caption = document.createElement("span");
      caption.className = "photo-preview-size";
      caption.textContent = sizeText(file.size);
      item.append(img, caption);
      if (max && file.size > max) {
        item.classList.add("too-big");
        caption.textContent = input.getAttribute("data-too-big");
      }
      list.append(item);
    });
    urls.set(input, made);
  });
})();
