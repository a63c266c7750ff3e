using System.Text.RegularExpressions;
using CustomerPortal.Web.Hosting;
using Microsoft.AspNetCore.Mvc;
using Xunit.Abstractions;
using static CustomerPortal.Web.Tests.Rules.FolderGraph;

namespace CustomerPortal.Web.Tests.Rules;

/// <summary>
/// The web project's folders (docs/architecture.md, "Folders"; ADR 0021): <c>Shared</c> below every feature,
/// <c>Features/*</c> and <c>Api/*</c> above it and acyclic among themselves, <c>Hosting</c> on top. Read from the
/// source by <see cref="FolderGraph"/>; each rule is first shown failing on a small project that breaks it.
/// </summary>
public sealed partial class FeatureFoldersTests(ITestOutputHelper output)
{
    /// <summary>
    /// What a view may <c>@inject</c>, by type name: the layout has no view model, and shows who is signed in and the
    /// test-mode banner. Nothing else: a page's view gets everything from its view model.
    /// </summary>
    private static readonly Dictionary<string, string> LayoutInjections = new(StringComparer.Ordinal)
    {
        ["ICustomerContext"] = "Views/Shared/_Layout.cshtml",
        ["ProductionSafety"] = "Views/Shared/_Layout.cshtml",
    };

    private static readonly Lazy<FolderGraph> App = new(() => Of(ReadProject()));

    [Fact]
    public void TheGraphSeesTheUsesItIsAbout()
    {
        foreach (var use in App.Value.Uses) output.WriteLine(use.ToString());
        var uses = App.Value.Uses.Select(u => (u.From, u.To)).ToHashSet();

        // One of each kind: a type by name, a view's model, a feature's registration, an extension via its using.
        Assert.Contains(("Features/MakeAPayment", "Features/Payments"), uses);
        Assert.Contains(("Features/Payments", "Shared"), uses);
        Assert.Contains(("Hosting", "Features/Staff"), uses);
        Assert.Contains(("Api/Payments", "Features/Payments"), uses);
        Assert.Contains(("Api", "Shared"), uses);
    }

    [Fact]
    public void NoFoldersUseEachOtherInACircle() =>
        NoneOf("Uses on a cycle", App.Value.UsesInCycles());

    [Fact]
    public void SharedUsesNoFeatureAndNotHosting() =>
        NoneOf("Shared uses", SharedUses(App.Value));

    [Fact]
    public void NothingUsesHosting() =>
        NoneOf("Uses of Hosting", HostingUsers(App.Value));

    [Fact]
    public void TheAppHasOnlyTheKnownKindsOfFolder() =>
        NoneOf("Folders of no known kind", UnknownFolders(App.Value));

    [Fact]
    public void EveryControllerLivesInAFeatureFolder() =>
        NoneOf("Controllers outside Features/", ControllersOutsideFeatures(App.Value.Files));

    [Fact]
    public void EveryControllerTypeIsInAFeatureNamespaceWhoseViewsItFinds()
    {
        var controllers = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ControllerBase).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();

        Assert.NotEmpty(controllers);
        Assert.All(controllers, c =>
            Assert.True(FeatureViewLocations.FeatureOf(c) is { } feature
                && c.Namespace == $"{Root}.Features.{feature}"
                && App.Value.Files.Any(f => f.Path.StartsWith($"Features/{feature}/", StringComparison.Ordinal)),
                $"{c.FullName} is not in a feature's namespace with a folder of that name"));
    }

    [Fact]
    public void ViewsCallNoServices() =>
        NoneOf("Views naming or injecting a service", ViewsCallingServices(App.Value.Files));

    /// <summary>Each rule catches the break it is for.</summary>
    [Fact]
    public void EachRuleFailsOnAProjectThatBreaksIt()
    {
        var cycle = Of([
            new("Features/A/AService.cs",
                "namespace CustomerPortal.Web.Features.A;\npublic sealed class AService(B.BThing b);"),
            new("Features/B/BThing.cs", "namespace CustomerPortal.Web.Features.B;\n" +
                "using CustomerPortal.Web.Features.A;\npublic sealed class BThing { AService? a; }"),
        ]);
        Assert.Equal(
        [
            "Features/A -> Features/B (BThing)",
            "Features/B -> Features/A (AService, using CustomerPortal.Web.Features.A)",
        ], cycle.UsesInCycles().Select(u => u.ToString()));

        var sharedUp = Of([
            new("Shared/Gate.cs", "using CustomerPortal.Web.Features.A;\nnamespace CustomerPortal.Web.Shared;\n" +
                "// AService in a comment is no use\npublic static class Gate { static string S = \"AService\"; }"),
            new("Features/A/AService.cs", "namespace CustomerPortal.Web.Features.A;\npublic static class AService;"),
            new("Hosting/Start.cs", "namespace CustomerPortal.Web.Hosting;\npublic static class Start;"),
            new("Features/A/Uses.cs", "namespace CustomerPortal.Web.Features.A;\n" +
                "public static class Uses { static object O = CustomerPortal.Web.Hosting.Start.X; }"),
        ]);
        Assert.Equal(["Shared -> Features/A (using CustomerPortal.Web.Features.A)"],
            SharedUses(sharedUp).Select(u => u.ToString()));
        Assert.Equal(["Features/A -> Hosting (Start)"], HostingUsers(sharedUp).Select(u => u.ToString()));

        var controllers = new List<SourceFile>
        {
            new("Controllers/HomeController.cs", "namespace CustomerPortal.Web.Controllers;\n" +
                "public sealed class HomeController : Controller;"),
            new("Features/Home/HomeController.cs", "namespace CustomerPortal.Web.Features.Home;\n" +
                "public sealed class HomeController(ICustomerContext customers) : Controller;"),
        };
        Assert.Equal(["Controllers/HomeController.cs: HomeController"], ControllersOutsideFeatures(controllers));
        Assert.Equal(["Controllers"], UnknownFolders(Of(controllers)));

        var views = new List<SourceFile>
        {
            new("Features/A/Views/Index.cshtml", "@model APage\n@inject PaymentService Payments\n<p>@Model.Name</p>"),
            new("Features/A/Views/Other.cshtml", "@{ var key = PaymentDraftService.KeyOf(Model.Choice); }\n" +
                "@* PaymentQueries in a comment is fine *@<p>Store</p>"),
            new("Views/Shared/_Layout.cshtml", "@inject ICustomerContext Customers\n@inject IPlanner Planner"),
        };
        Assert.Equal(
        [
            "Features/A/Views/Index.cshtml: @inject PaymentService", "Features/A/Views/Index.cshtml: PaymentService",
            "Features/A/Views/Other.cshtml: PaymentDraftService", "Views/Shared/_Layout.cshtml: @inject IPlanner",
            "Views/Shared/_Layout.cshtml: IPlanner",
        ], ViewsCallingServices(views));
    }

    /// <summary>Fails listing every item (xUnit would cut a long collection short).</summary>
    private static void NoneOf<T>(string what, IEnumerable<T> items)
    {
        var found = items.Select(i => i?.ToString()).ToList();
        Assert.True(found.Count == 0, $"{what}:{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
    }

    private static IEnumerable<Use> SharedUses(FolderGraph graph) => graph.Uses.Where(u => u.From == "Shared");

    private static IEnumerable<Use> HostingUsers(FolderGraph graph) => graph.Uses.Where(u => u.To == "Hosting");

    private static List<string> UnknownFolders(FolderGraph graph) => graph.Folders
        .Where(f => f is not ("Shared" or "Hosting" or "Api")
            && !f.StartsWith("Features/", StringComparison.Ordinal) && !f.StartsWith("Api/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>Controllers are MVC's, so they are the features' (the API maps endpoints instead).</summary>
    private static List<string> ControllersOutsideFeatures(IEnumerable<SourceFile> files) => files
        .Where(f => !IsView(f) && !f.Path.StartsWith("Features/", StringComparison.Ordinal))
        .SelectMany(f => ControllerDeclaration().Matches(CodeOnly(f.Text)).Select(m => $"{f.Path}: {m.Groups["name"]}"))
        .ToList();

    private static List<string> ViewsCallingServices(IEnumerable<SourceFile> files)
    {
        var found = new List<string>();
        foreach (var view in files.Where(IsView))
        {
            var text = WithoutRazorComments(view.Text);
            foreach (Match m in Injection().Matches(text))
            {
                var type = m.Groups["type"].Value.Split('.')[^1];
                if (LayoutInjections.GetValueOrDefault(type) != view.Path) found.Add($"{view.Path}: @inject {type}");
            }
            found.AddRange(ServiceName().Matches(text).Select(m => m.Value).Distinct()
                .Select(name => $"{view.Path}: {name}"));
        }
        return found;
    }

    [GeneratedRegex(@"\bclass\s+(?<name>\w+)\b[^{;]*:\s*(?:[\w.]+\.)?Controller(?:Base)?\b")]
    private static partial Regex ControllerDeclaration();

    [GeneratedRegex(@"(?m)^\s*@inject\s+(?<type>[\w.]+)")]
    private static partial Regex Injection();

    /// <summary>A service, query or store type by its name (a planner too: the payment engine's).</summary>
    [GeneratedRegex(@"\b[A-Z]\w*(?:Service|Queries|Query|Store|Planner)\b")]
    private static partial Regex ServiceName();
}
