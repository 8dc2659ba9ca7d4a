// Commit-reveal helper: hashes the secret IN THE BROWSER, so the server only ever
// receives the SHA-256 commitment before the freeze. Pure JS SHA-256 (works on
// plain-HTTP intranets where crypto.subtle is unavailable). No dependencies.
(function () {
  function sha256(ascii) {
    function rightRotate(value, amount) { return (value >>> amount) | (value << (32 - amount)); }
    var bytes = new TextEncoder().encode(ascii);
    var k = [], h = [], primeCounter = 0, isComposite = {};
    for (var candidate = 2; primeCounter < 64; candidate++) {
      if (!isComposite[candidate]) {
        for (var i = 0; i < 313; i += candidate) { isComposite[i] = candidate; }
        h[primeCounter] = (Math.pow(candidate, 0.5) * 4294967296) | 0;
        k[primeCounter++] = (Math.pow(candidate, 1 / 3) * 4294967296) | 0;
      }
    }
    h = h.slice(0, 8);
    var length = bytes.length, words = [];
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes); padded[length] = 0x80;
    var bitLength = length * 8;
    padded[padded.length - 4] = (bitLength >>> 24) & 255; padded[padded.length - 3] = (bitLength >>> 16) & 255;
    padded[padded.length - 2] = (bitLength >>> 8) & 255; padded[padded.length - 1] = bitLength & 255;
    for (i = 0; i < padded.length; i += 4) {
      words.push((padded[i] << 24) | (padded[i + 1] << 16) | (padded[i + 2] << 8) | padded[i + 3]);
    }
    for (var j = 0; j < words.length; j += 16) {
      var w = words.slice(j, j + 16), oldHash = h.slice(0);
      for (i = 0; i < 64; i++) {
        var w15 = w[i - 15], w2 = w[i - 2];
        var a = h[0], e = h[4];
        var temp1 = h[7] + (rightRotate(e, 6) ^ rightRotate(e, 11) ^ rightRotate(e, 25)) +
          ((e & h[5]) ^ (~e & h[6])) + k[i] +
          (w[i] = i < 16 ? w[i] : (w[i - 16] + (rightRotate(w15, 7) ^ rightRotate(w15, 18) ^ (w15 >>> 3)) +
            w[i - 7] + (rightRotate(w2, 17) ^ rightRotate(w2, 19) ^ (w2 >>> 10))) | 0);
        var temp2 = (rightRotate(a, 2) ^ rightRotate(a, 13) ^ rightRotate(a, 22)) + ((a & h[1]) ^ (a & h[2]) ^ (h[1] & h[2]));
        h = [(temp1 + temp2) | 0].concat(h);
        h[4] = (h[4] + temp1) | 0;
        h.pop();
      }
      for (i = 0; i < 8; i++) { h[i] = (h[i] + oldHash[i]) | 0; }
    }
    return h.map(function (x) { return ("00000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
  }
  // 32 random bytes (256 bits) from the browser's CSPRNG, as 64 lowercase hex characters.
  function randomSecret() {
    var buf = new Uint8Array(32); (window.crypto || window.msCrypto).getRandomValues(buf);
    return Array.prototype.map.call(buf, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var SECRET_V3 = /^[0-9a-f]{32,64}$/;
  document.querySelectorAll("[data-commit]").forEach(function (box) {
    var secret = box.querySelector("[data-secret]");
    var target = box.querySelector("input[name=commitment]");
    // v3: commitment = SHA-256("jiebang-draw-v3\n" + context id + "\n" + party + "\n" + secret);
    // the server renders everything before the secret as data-prefix. Older draws: no prefix.
    var prefix = box.getAttribute("data-prefix") || "";
    function update() {
      var value = secret.value.trim();  // the server trims reveals the same way
      if (prefix && !SECRET_V3.test(value)) { target.value = ""; return; }  // no typed words
      target.value = value ? sha256(prefix + value) : "";
    }
    box.querySelector("[data-generate]").addEventListener("click", function () {
      secret.value = randomSecret();
      update();
    });
    secret.addEventListener("input", update);
    // A secret typed (or restored by the browser) before this script ran still counts.
    if (secret.value.trim()) { update(); }
  });
})();
