namespace CustomerPortal.Bench.Page;

/// <summary>
/// The Lua script for one wrk scenario. Each wrk thread takes its slice of the users in turn, request by request, each
/// user with its cookies and antiforgery token; each user's POST bodies go through the scenario's list in order. For
/// toggles a response() callback counts the answers by size (rows only or the whole work area); it costs the client
/// some CPU (wrk then hands every body to Lua). done() prints requests, non-2xx/errors, req/s, p50 and p99 in ms, and
/// the errors by kind (non-2xx, timeouts, socket).
/// </summary>
internal static class WrkScript
{
    public static string For(string path, List<string>? bodies, IReadOnlyList<string> cookies,
        IReadOnlyList<string> tokens, (int[] Revisions, string[] Stamps)? versions, int threads)
    {
        static string Lua(string v) => "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        var sb = new System.Text.StringBuilder();
        sb.Append("local cookies = {").AppendJoin(", ", cookies.Select(Lua)).Append("}\n");
        sb.Append("local tokens = {").AppendJoin(", ", tokens.Select(t => Lua(Uri.EscapeDataString(t)))).Append("}\n");
        sb.Append("local bodies = {").AppendJoin(", ", (bodies ?? []).Select(Lua)).Append("}\n");
        sb.Append("local path = ").Append(Lua(path)).Append('\n');
        // Toggles only: each user's revision and invoice-figure stamp after the clear.
        sb.Append("local revisions = {").AppendJoin(", ", versions?.Revisions ?? []).Append("}\n");
        sb.Append("local stamps = {").AppendJoin(", ", (versions?.Stamps ?? []).Select(Lua)).Append("}\n");
        sb.Append("local per = ").Append(Math.Max(1, cookies.Count / threads)).Append('\n'); // users per wrk thread
        sb.Append("""
            local threads = {}
            local counter = 0
            function setup(thread)
              counter = counter + 1
              thread:set("uid", counter)
              table.insert(threads, thread)
            end
            local sent = {}
            function init(args)
              n = 0
            end
            -- Each wrk thread serves its own slice of the signed-in users, taking them in turn request by request.
            function request()
              n = n + 1
              local user = (uid - 1) * per + ((n - 1) % per) + 1
              local cookie = cookies[user]
              local token = tokens[user]
              if #bodies == 0 then
                return wrk.format("GET", path, { ["Cookie"] = cookie })
              end
              -- Each user goes through the bodies in order, from the first (toggles: check 50, then uncheck them).
              local k = sent[user] or 0
              sent[user] = k + 1
              local body = bodies[(k % #bodies) + 1]
              if #body > 0 then body = body .. "&" end
              local headers = { ["Cookie"] = cookie, ["X-Fragment"] = "1",
                ["Content-Type"] = "application/x-www-form-urlencoded" }
              -- A toggle carries the version its user's page would show: the revision after the clear + the toggles
              -- before it, and the invoice-figure stamp (unchanged during the bench).
              -- (Two requests of one user in flight at once can reach the server in the other order: both then get
              -- the whole work area, as a page that missed a change would; the counts below say how often.)
              if #revisions > 0 then
                headers["X-Page-Version"] = tostring(revisions[user] + k) .. "." .. stamps[user]
              end
              return wrk.format("POST", path, headers, body .. "__RequestVerificationToken=" .. token)
            end
            rows_only = 0
            whole = 0
            -- Toggles only: which answer came back (the changed rows only are a few KB, the whole work area ~55 KB).
            if #revisions > 0 then
              function response(status, headers, body)
                if #body < 20000 then rows_only = rows_only + 1 else whole = whole + 1 end
              end
            end
            function done(summary, latency, requests)
              if #revisions > 0 then
                local r, w = 0, 0
                for _, t in ipairs(threads) do r = r + t:get("rows_only"); w = w + t:get("whole") end
                io.write(string.format("ANSWERS %d %d\n", r, w))
              end
              local e = summary.errors
              io.write(string.format("ERRORS %d %d %d\n", e.status, e.timeout, e.connect + e.read + e.write))
              io.write(string.format("RESULT %d %d %.1f %.2f %.2f\n", summary.requests,
                e.connect + e.read + e.write + e.status + e.timeout,
                summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
                latency:percentile(99) / 1000))
            end
            """);
        return sb.ToString();
    }
}
