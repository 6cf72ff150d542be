// suishin imports — upload progress for the import form (progressive enhancement).
// Without JavaScript the form posts normally; with it, the upload goes through
// XMLHttpRequest so that the bar can show how much of the file has been sent,
// then the server's answer (the preview page) replaces the page.
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var status = box.querySelector(".upload-status");
  var button = form.querySelector("button[type=submit]");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var maxLabel = form.getAttribute("data-max-label") || "";

  function show(text) {
    box.hidden = false;
    status.textContent = text;
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) {
      return; // the server explains that a file is required
    }
    event.preventDefault();
    if (maxBytes && file.size > maxBytes) {
      bar.value = 0;
      show("ファイルが大きすぎます（上限 " + maxLabel + "）。");
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.floor((e.loaded * 100) / e.total);
        bar.value = percent;
        show("送信中… " + percent + "%");
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value"); // indeterminate while the server checks the file
      show("送信しました。ファイルの内容を確認しています…");
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL.split("#")[0] !== window.location.href.split("#")[0]) {
        window.location.href = xhr.responseURL;
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      show("送信できませんでした。通信状況を確かめて、もう一度お試しください。");
    });
    button.disabled = true;
    bar.value = 0;
    show("送信中… 0%");
    xhr.send(new FormData(form));
  });
})();
