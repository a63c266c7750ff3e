using System.Text;
using System.Text.RegularExpressions;

namespace CustomerPortal.Web.Tests.Rules;

/// <summary>
/// The folders of src/CustomerPortal.Web and which uses which, read from the source (no compiler): the types each
/// folder declares (top level, by namespace), and in every file the names it uses, resolved through its namespace,
/// its <c>using</c> lines (for a view, its <c>@using</c> lines and those of the <c>_ViewImports</c> above it) and
/// fully qualified names. A <c>using</c> of another folder's namespace counts as a use by itself (extension methods
/// are only seen that way); so are dotted names, whole (<c>CustomerPortal.Web.Shared.PlanGate</c>) or from a namespace
/// the file is inside (<c>Payments.PaymentPlanner</c>). Comments are left out; so are C# string literals (interpolated
/// ones with their holes), while a view's text is read whole, as its attributes hold code.
/// </summary>
internal sealed partial class FolderGraph
{
    public const string Root = "CustomerPortal.Web";

    public sealed record SourceFile(string Path, string Text);

    /// <summary>One folder's use of another and the names that make it.</summary>
    public sealed record Use(string From, string To, IReadOnlyList<string> Because)
    {
        public override string ToString() => $"{From} -> {To} ({string.Join(", ", Because)})";
    }

    private readonly Dictionary<(string From, string To), SortedSet<string>> _uses = [];

    public IReadOnlyList<SourceFile> Files { get; }

    public IReadOnlyList<Use> Uses => _uses
        .Select(u => new Use(u.Key.From, u.Key.To, [.. u.Value]))
        .OrderBy(u => u.From, StringComparer.Ordinal).ThenBy(u => u.To, StringComparer.Ordinal)
        .ToList();

    public IReadOnlySet<string> Folders { get; }

    /// <summary>
    /// The folder a file belongs to: <c>Features/{Name}</c> and <c>Api/{Area}</c> (views included),
    /// <c>Api</c> for the API's own root files, <c>Shared</c> for <c>Shared/</c>, the layout folder <c>Views/</c> and
    /// the root <c>_ViewImports</c>/<c>_ViewStart</c>; <c>Hosting</c> for <c>Hosting/</c> and <c>Program.cs</c>.
    /// Anything else is named by its first folder (and is not a folder the app should have).
    /// </summary>
    public static string FolderOf(string path)
    {
        var parts = path.Split('/');
        if (parts.Length == 1) return parts[0] == "Program.cs" ? "Hosting" : "Shared";
        return parts[0] switch
        {
            "Features" or "Api" when parts.Length > 2 => $"{parts[0]}/{parts[1]}",
            "Views" => "Shared",
            _ => parts[0],
        };
    }

    private FolderGraph(IReadOnlyList<SourceFile> files)
    {
        Files = files;
        Folders = files.Select(f => FolderOf(f.Path)).ToHashSet();
    }

    /// <summary>The app's C# and Razor files, paths relative to the project.</summary>
    public static IReadOnlyList<SourceFile> ReadProject()
    {
        var project = Path.Combine(OneOwnerPerRuleTests.RepositoryRoot(), "src", Root);
        return Directory.EnumerateFiles(project, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(project, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal)
                && !f.StartsWith("obj/", StringComparison.Ordinal)
                && !f.Contains("node_modules/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new SourceFile(f, File.ReadAllText(Path.Combine(project, f))))
            .ToList();
    }

    public static FolderGraph Of(IReadOnlyList<SourceFile> files)
    {
        var graph = new FolderGraph(files);
        var code = files.ToDictionary(f => f.Path, f => IsView(f) ? WithoutRazorComments(f.Text) : CodeOnly(f.Text));

        // Who declares what: namespace -> type name -> folders.
        var declared = new Dictionary<string, Dictionary<string, HashSet<string>>>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => !IsView(f)))
        {
            var text = code[file.Path];
            var ns = NamespaceOf(text);
            foreach (var name in TopLevelTypes(text, ns.Block))
            {
                var names = declared.TryGetValue(ns.Name, out var n) ? n : declared[ns.Name] = [];
                (names.TryGetValue(name, out var folders) ? folders : names[name] = []).Add(FolderOf(file.Path));
            }
        }

        foreach (var file in files)
        {
            var from = FolderOf(file.Path);
            var text = code[file.Path];
            var imported = IsView(file) ? ViewImports(file, files, code) : Usings(text);
            var visible = new HashSet<string>(imported, StringComparer.Ordinal);
            if (!IsView(file))
            {
                // A file sees its own namespace and every namespace it is inside.
                for (var ns = NamespaceOf(text).Name; ns.Length > 0; ns = Parent(ns)) visible.Add(ns);
            }

            foreach (var ns in Usings(text).Where(declared.ContainsKey))
            {
                foreach (var to in declared[ns].Values.SelectMany(f => f)) graph.Add(from, to, $"using {ns}");
            }
            // A dotted name from the global namespace (CustomerPortal.Web.Api.ApiProblem) or from one this file is
            // inside (Payments.PaymentPlanner in CustomerPortal.Web.Features.MakeAPayment).
            var bases = new List<string> { "" };
            for (var ns = IsView(file) ? "" : NamespaceOf(text).Name; ns.Length > 0; ns = Parent(ns)) bases.Add(ns);
            foreach (Match m in DottedName().Matches(text))
            {
                var parts = m.Value.Split('.');
                foreach (var start in bases)
                {
                    for (var i = parts.Length - 1; i > 0; i--)
                    {
                        var ns = string.Join('.', parts[..i]);
                        if (start.Length > 0) ns = start + "." + ns;
                        if (!declared.TryGetValue(ns, out var names)
                            || !names.TryGetValue(parts[i], out var folders)) continue;
                        foreach (var to in folders) graph.Add(from, to, parts[i]);
                        break;
                    }
                }
            }
            foreach (Match m in SimpleName().Matches(text))
            {
                foreach (var ns in visible)
                {
                    if (!declared.TryGetValue(ns, out var names)) continue;
                    // [RequiresProPlan] names RequiresProPlanAttribute.
                    if (names.TryGetValue(m.Value, out var folders)
                        || names.TryGetValue(m.Value + "Attribute", out folders))
                    {
                        foreach (var to in folders) graph.Add(from, to, m.Value);
                    }
                }
            }
        }
        return graph;
    }

    private void Add(string from, string to, string because)
    {
        if (from == to) return;
        var set = _uses.TryGetValue((from, to), out var known)
            ? known
            : _uses[(from, to)] = new(StringComparer.Ordinal);
        set.Add(because);
    }

    /// <summary>Every use between two folders that lies on a cycle (each folder reaches the other).</summary>
    public IReadOnlyList<Use> UsesInCycles()
    {
        var next = Uses.GroupBy(u => u.From).ToDictionary(g => g.Key, g => g.Select(u => u.To).ToList());
        HashSet<string> Reach(string start)
        {
            var seen = new HashSet<string>();
            var todo = new Stack<string>([start]);
            while (todo.TryPop(out var folder))
            {
                foreach (var to in next.GetValueOrDefault(folder) ?? []) if (seen.Add(to)) todo.Push(to);
            }
            return seen;
        }
        return Uses.Where(u => Reach(u.To).Contains(u.From)).ToList();
    }

    public static bool IsView(SourceFile file) => file.Path.EndsWith(".cshtml", StringComparison.Ordinal);

    /// <summary>A view's imports: its own <c>@using</c> lines and every <c>_ViewImports</c>' above it.</summary>
    private static HashSet<string> ViewImports(
        SourceFile view, IReadOnlyList<SourceFile> files, IReadOnlyDictionary<string, string> code)
    {
        var found = Usings(code[view.Path]);
        var dir = Path.GetDirectoryName(view.Path)?.Replace('\\', '/') ?? "";
        while (true)
        {
            var imports = dir.Length == 0 ? "_ViewImports.cshtml" : dir + "/_ViewImports.cshtml";
            if (files.FirstOrDefault(f => f.Path == imports) is { } file) found.UnionWith(Usings(code[file.Path]));
            if (dir.Length == 0) return found;
            dir = dir.Contains('/') ? dir[..dir.LastIndexOf('/')] : "";
        }
    }

    private static HashSet<string> Usings(string text) =>
        UsingLine().Matches(text).Select(m => m.Groups["ns"].Value).ToHashSet(StringComparer.Ordinal);

    private static (string Name, bool Block) NamespaceOf(string text) =>
        NamespaceLine().Match(text) is { Success: true } m
            ? (m.Groups["ns"].Value, m.Groups["end"].Value == "{")
            : ("", false);

    private static string Parent(string ns) => ns.Contains('.') ? ns[..ns.LastIndexOf('.')] : "";

    /// <summary>Types declared at the top of a file (nested ones are reached through their outer type).</summary>
    private static IEnumerable<string> TopLevelTypes(string text, bool blockNamespace)
    {
        var top = blockNamespace ? 1 : 0;
        var depth = 0;
        var at = 0;
        foreach (Match m in TypeDeclaration().Matches(text))
        {
            for (; at < m.Index; at++) depth += text[at] == '{' ? 1 : text[at] == '}' ? -1 : 0;
            if (depth == top) yield return m.Groups["name"].Value;
        }
    }

    /// <summary>C# without comments, string and character literals (each replaced by a space).</summary>
    public static string CodeOnly(string text)
    {
        var b = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
            }
            else if (c == '/' && next == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                b.Append(' ');
            }
            else if (c == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'') i += text[i] == '\\' ? 2 : 1;
                i++;
                b.Append(' ');
            }
            else if (c is '"' or '$' or '@' && StringAt(text, i) is { } length)
            {
                i += length;
                b.Append(' ');
            }
            else
            {
                b.Append(c);
                i++;
            }
        }
        return b.ToString();
    }

    /// <summary>The length of the string literal starting at <paramref name="i"/> (any prefix), or null.</summary>
    private static int? StringAt(string text, int i)
    {
        var start = i;
        var verbatim = false;
        while (i < text.Length && text[i] is '$' or '@')
        {
            verbatim |= text[i] == '@';
            i++;
        }
        if (i >= text.Length || text[i] != '"') return null;
        var quotes = 0;
        while (i + quotes < text.Length && text[i + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            var close = new string('"', quotes);
            var end = text.IndexOf(close, i + quotes, StringComparison.Ordinal);
            return (end < 0 ? text.Length : end + quotes) - start;
        }
        if (quotes == 2 && !verbatim) return i + 2 - start; // ""
        i++;
        while (i < text.Length)
        {
            if (verbatim && text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { i += 2; continue; }
            if (!verbatim && text[i] == '\\') { i += 2; continue; }
            if (text[i] == '"' || (!verbatim && text[i] == '\n')) return i + 1 - start;
            i++;
        }
        return text.Length - start;
    }

    public static string WithoutRazorComments(string text) =>
        HtmlComment().Replace(RazorComment().Replace(text, " "), " ");

    [GeneratedRegex(@"(?m)^\s*@?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<ns>[\w.]+)\s*;?\s*$")]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"(?m)^\s*namespace\s+(?<ns>[\w.]+)\s*(?<end>[;{])")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:class\s+|struct\s+)?(?<name>[A-Za-z_]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")]
    private static partial Regex DottedName();

    /// <summary>A name not reached through a dot (a member of something else).</summary>
    [GeneratedRegex(@"(?<![\w.])[A-Z]\w*\b")]
    private static partial Regex SimpleName();

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex RazorComment();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();
}
