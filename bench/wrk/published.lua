-- Cycles typical search-box and typing requests.
local paths = {
  "/api/search?q=prompt%20injection",
  "/api/search?q=data%20poisoning&type=technique",
  "/api/search?q=bias%20in%20hiring%20algorithms",
  "/api/search?q=deepfake",
  "/api/search?q=model%20stealing%20through%20api%20queries",
  "/api/search?q=privacy&domain=2",
  "/api/search?q=hallucination&per_page=10",
  "/api/suggest?q=poi",
  "/api/suggest?q=jailb",
  "/api/suggest?q=misinf",
  "/api/search?q=backdoor%20in%20pretrained%20model",
  "/api/search?q=overreliance",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
