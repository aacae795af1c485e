/* Passkeys (WebAuthn) for Tavle: make one, or sign in with one.
   Markup: partials/passkey_register.html and partials/passkey_sign_in.html. Each box is hidden
   until this script finds that the browser supports passkeys, so without JavaScript (or on an
   old phone) only the PIN is offered. No inline script, no eval: the page's CSP forbids both. */
(function () {
  "use strict";

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: fromBase64url(item.id) });
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = fromBase64url(json.challenge);
    options.user = Object.assign({}, json.user, { id: fromBase64url(json.user.id) });
    options.excludeCredentials = withIds(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = fromBase64url(json.challenge);
    options.allowCredentials = withIds(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      out.response.attestationObject = toBase64url(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toBase64url(response.authenticatorData);
      out.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        out.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return out;
  }

  function post(box, url, fields) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": box.dataset.csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json"
      },
      body: new URLSearchParams(fields || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok || data.error) {
          var failure = new Error(data.error || box.dataset.msgFailed);
          failure.fromServer = true;
          throw failure;
        }
        return data;
      });
    });
  }

  function say(box, message) {
    box.querySelector("[data-passkey-status]").textContent = message;
  }

  function run(box, button) {
    var signIn = box.dataset.passkey === "sign-in";
    button.disabled = true;
    say(box, box.dataset.msgWorking);
    post(box, box.dataset.optionsUrl)
      .then(function (json) {
        return signIn
          ? navigator.credentials.get({ publicKey: requestOptions(json) })
          : navigator.credentials.create({ publicKey: creationOptions(json) });
      })
      .then(function (credential) {
        var fields = { credential: JSON.stringify(credentialJSON(credential)) };
        if (box.dataset.next) {
          fields.next = box.dataset.next;
        }
        return post(box, box.dataset.finishUrl, fields);
      })
      .then(function (data) {
        window.location.assign(data.redirect || "/");
      })
      .catch(function (error) {
        button.disabled = false;
        if (error && error.fromServer) {
          say(box, error.message);
        } else if (error && error.name === "NotAllowedError") {
          say(box, box.dataset.msgCancelled);
        } else {
          say(box, box.dataset.msgFailed);
        }
      });
  }

  function start() {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      return;
    }
    document.querySelectorAll("[data-passkey]").forEach(function (box) {
      if (box.dataset.passkeyReady) {
        return;
      }
      box.dataset.passkeyReady = "1";
      var button = box.querySelector("[data-passkey-button]");
      button.addEventListener("click", function () {
        run(box, button);
      });
      box.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
