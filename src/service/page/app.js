// The verifier page: pick a policy, show the request's QR code, wait for the verdict (a
// wallet's post, via server-sent events) or scan the traveller's QR code with the camera
// (frames posted to /v1/scan). Every value shown is set with textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let current = null; // { id, result_token, ... }
  let events = null;
  let stream = null;
  let scanning = false;

  function status(text) { $("status").textContent = text; }

  async function loadPolicies() {
    const r = await fetch("/v1/policies");
    const body = await r.json();
    const select = $("policy");
    select.textContent = "";
    for (const p of body.policies) {
      const o = document.createElement("option");
      o.value = p.name;
      o.textContent = p.name + " (" + p.alternatives.map((a) => a.type).join(" or ") + ")";
      select.appendChild(o);
    }
  }

  function clearVerdict() {
    $("verdict").hidden = true;
    $("verdict-details").textContent = "";
    $("verdict-reason").textContent = "";
  }

  function row(list, term, value) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function humanName(name) { return name.replace(/_/g, " "); }

  function showVerdict(v) {
    $("verdict").hidden = false;
    const banner = $("verdict-banner");
    const details = $("verdict-details");
    details.textContent = "";
    if (v.accepted === true) {
      banner.className = "accepted";
      banner.textContent = "ACCEPTED";
      $("verdict-reason").textContent = "";
      row(details, "Type", v.type);
      if (v.issuer) row(details, "Issuer", v.issuer.name + (v.issuer.country ? " (" + v.issuer.country + ")" : ""));
      for (const [name, d] of Object.entries(v.disclosed || {})) {
        const value = d.display ? d.display + " (" + String(d.value) + ")" : String(d.value);
        row(details, humanName(name), value);
      }
      for (const p of v.proven || []) row(details, "Proven", p);
      row(details, "Valid at", v.valid_at);
      stopCamera();
      if (events) { events.close(); events = null; }
    } else {
      banner.className = "rejected";
      banner.textContent = "REJECTED";
      $("verdict-reason").textContent = (v.error === "replay" ? "Replay: " : "") + (v.message || v.error || "");
      row(details, "Reason", v.error || "rejected");
    }
    banner.setAttribute("data-verdict", v.accepted === true ? "accepted" : "rejected");
    banner.setAttribute("data-error", v.error || "");
  }

  async function newRequest() {
    clearVerdict();
    stopCamera();
    if (events) { events.close(); events = null; }
    const r = await fetch("/v1/requests", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ policy: $("policy").value }),
    });
    const body = await r.json();
    if (!r.ok) { status("Could not make a request: " + (body.message || body.error)); return; }
    current = body;
    $("request").hidden = false;
    $("request-qr").src = "/v1/requests/" + encodeURIComponent(body.id) + "/qr.png";
    $("request-id").textContent = body.id;
    $("request-id").setAttribute("data-id", body.id);
    $("request-expires").textContent = body.expires;
    $("camera").disabled = false;
    status("Waiting for the traveller's presentation…");
    const url = "/v1/requests/" + encodeURIComponent(body.id) + "/result?token=" + encodeURIComponent(body.result_token);
    events = new EventSource(url);
    events.addEventListener("verdict", (e) => {
      const v = JSON.parse(e.data);
      showVerdict(v);
      if (v.accepted === true) status("Verdict received.");
    });
    events.addEventListener("expired", () => {
      if (events) { events.close(); events = null; }
      status("The request expired.");
    });
  }

  function stopCamera() {
    scanning = false;
    if (stream) { for (const t of stream.getTracks()) t.stop(); stream = null; }
    $("video").hidden = true;
  }

  async function startCamera() {
    if (!current) return;
    clearVerdict();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      status("No camera: " + e.message);
      return;
    }
    const video = $("video");
    video.srcObject = stream;
    video.hidden = false;
    scanning = true;
    status("Scanning…");
    scanLoop();
  }

  async function scanLoop() {
    const video = $("video");
    const canvas = $("frame");
    while (scanning && current) {
      await new Promise((r) => setTimeout(r, 400));
      if (!video.videoWidth) continue;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      const blob = await new Promise((r) => canvas.toBlob(r, "image/jpeg", 0.92));
      if (!blob || !scanning) continue;
      let v;
      try {
        const r = await fetch("/v1/scan?request=" + encodeURIComponent(current.id), {
          method: "POST", headers: { "Content-Type": "image/jpeg" }, body: blob,
        });
        v = await r.json();
      } catch (e) { continue; }
      if (v.error === "no_qr_code" || v.error === "rate_limited") continue;
      showVerdict(v);
      stopCamera();
      status("Scanned.");
    }
  }

  $("new-request").addEventListener("click", newRequest);
  $("camera").addEventListener("click", startCamera);
  loadPolicies().catch((e) => status("Cannot load the policies: " + e.message));
})();
