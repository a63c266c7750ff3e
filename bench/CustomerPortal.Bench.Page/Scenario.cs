namespace CustomerPortal.Bench.Page;

internal enum ScenarioKind
{
    Get,
    Toggle,
    SelectPage,
    SelectAll,
    Amount,
}

/// <summary>One measured scenario: a GET of the page in one order, or one of the page's actions.</summary>
internal sealed record Scenario(string Key, string Name, ScenarioKind Kind, string Path)
{
    public bool IsGet => Kind == ScenarioKind.Get;

    /// <summary>The page's targets (issue 15): GET p99 ≤ 50 ms, each action p99 ≤ 20 ms.</summary>
    public double TargetP99Ms => IsGet ? 50 : 20;

    /// <summary>The order they run in: GETs first; the custom amount last (it changes every user's choice).</summary>
    public static IReadOnlyList<Scenario> All { get; } = Build();

    private static List<Scenario> Build()
    {
        var list = new List<Scenario> { new("get", "GET /pay (invoice date asc, default)", ScenarioKind.Get, "/pay") };
        // The page's sort keys and directions (TableState.KeyOf); invoice date ascending is the default above.
        foreach (var (sort, label) in new[] { ("date", "invoice date"), ("due", "due date"), ("number", "number"),
                     ("balance", "balance") })
        {
            foreach (var dir in new[] { "asc", "desc" })
            {
                if (sort == "date" && dir == "asc") continue;
                list.Add(new($"get-{sort}-{dir}", $"GET sort {label} {dir}", ScenarioKind.Get,
                    $"/pay?page=1&size=25&sort={sort}&dir={dir}"));
            }
        }
        list.Add(new("toggle", "toggle one invoice", ScenarioKind.Toggle, "/pay/selection/invoice"));
        list.Add(new("page", "select page (25)", ScenarioKind.SelectPage, "/pay/selection/page"));
        list.Add(new("all", "select all (200 oldest)", ScenarioKind.SelectAll, "/pay/selection/all"));
        list.Add(new("amount", "custom amount preview", ScenarioKind.Amount, "/pay/amount"));
        return list;
    }

    /// <summary>The scenarios a key names: itself, and those whose key starts with it and a dash.</summary>
    public static IReadOnlyList<Scenario> Select(IReadOnlyCollection<string> keys)
    {
        foreach (var key in keys)
        {
            if (!All.Any(s => Matches(s, key)))
                throw new ArgumentException($"No scenario {key}; keys: {string.Join(", ", All.Select(s => s.Key))}");
        }
        return All.Where(s => keys.Any(k => Matches(s, k))).ToList();
    }

    private static bool Matches(Scenario s, string key) =>
        s.Key == key || s.Key.StartsWith(key + "-", StringComparison.Ordinal);
}
