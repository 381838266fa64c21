-- Good requests for tests/soak/run.sh, in turn: searches, suggestions, record pages, facets, health.
-- Every one must answer 2xx; wrk counts the others as "Non-2xx or 3xx responses".
local paths = {
  "/api/search?q=poisoning&per_page=10",
  "/api/search?q=prompt%20injection&type=risk",
  "/api/search?q=model&domain=2&per_page=5&page=2",
  "/api/suggest?q=adv",
  "/api/records/AML.T0051",
  "/api/records/AML.M0015",
  "/api/records/AML.T0051/related",
  "/api/facets",
  "/healthz",
}
local i = 0

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
