using System.Net;
using AngleSharp.Html.Dom;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>Reads the Make a Payment page the way a person does and posts its forms.</summary>
internal sealed class PayPageDriver(PortalClient client)
{
    public PortalClient Client { get; } = client;

    public static async Task<PayPageDriver> SignedInAsync(PortalFactory factory, string email) =>
        new(await PortalClient.SignedInAsync(factory, email));

    public Task<IHtmlDocument> PageAsync(string query = "") => Client.GetDocumentAsync("/pay" + query);

    public static string Figure(IHtmlDocument page, string testId) =>
        page.QuerySelector($"[data-testid={testId}]")?.TextContent.Trim()
            ?? throw new InvalidOperationException("No " + testId);

    public async Task<(string Balance, string Overdue, string Pending, string Selected, string Count)> OverviewAsync(
        string query = "")
    {
        var page = await PageAsync(query);
        return (Figure(page, "balance"), Figure(page, "overdue-balance"),
            Figure(page, "pending-payments"), Figure(page, "amount-selected"), Figure(page, "invoices-to-pay"));
    }

    /// <summary>Posts like a script does (fragments back); throws unless the status is the one expected.</summary>
    public async Task<IHtmlDocument> PostFragmentAsync(string action, Dictionary<string, string>? fields = null,
        IEnumerable<KeyValuePair<string, string>>? repeated = null, HttpStatusCode expect = HttpStatusCode.OK)
    {
        var response = await PostAsync(action, fields, repeated, fragment: true);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expect, $"{action} answered {(int)response.StatusCode}, expected {(int)expect}: "
            + html[..Math.Min(html.Length, 300)]);
        // The fragments come inside <template> elements; read their content as one document.
        return PortalClient.Parse(System.Text.RegularExpressions.Regex.Replace(html, "</?template[^>]*>", ""));
    }

    public async Task<HttpResponseMessage> PostAsync(string action, Dictionary<string, string>? fields = null,
        IEnumerable<KeyValuePair<string, string>>? repeated = null, bool fragment = false, string? version = null)
    {
        var page = await PageAsync();
        var all = new List<KeyValuePair<string, string>>(fields ?? new())
            { new("__RequestVerificationToken", PortalClient.AntiforgeryToken(page)) };
        if (repeated is not null) all.AddRange(repeated);
        using var request = new HttpRequestMessage(HttpMethod.Post, action)
            { Content = new FormUrlEncodedContent(all) };
        if (fragment) request.Headers.Add("X-Fragment", "1");
        if (version is not null) request.Headers.Add("X-Page-Version", version);
        return await Client.Http.SendAsync(request);
    }

    /// <summary>The version ("revision.stamp") the page shows: what the script sends back with a toggle.</summary>
    public async Task<string> VersionAsync() =>
        (await PageAsync()).QuerySelector("#pay-workarea")?.GetAttribute("data-version")
            ?? throw new InvalidOperationException("No version on the page");

    /// <summary>
    /// Posts a toggle like the script does, with the version its page shows; the answer's templates by target id.
    /// </summary>
    public async Task<FragmentAnswer> ToggleAsync(string action, Dictionary<string, string> fields, string? version)
    {
        var response = await PostAsync(action, fields, fragment: true, version: version);
        var doc = PortalClient.Parse(await response.Content.ReadAsStringAsync());
        var templates = doc.QuerySelectorAll("template[data-fragment]").Cast<AngleSharp.Html.Dom.IHtmlTemplateElement>()
            .ToDictionary(t => t.GetAttribute("data-fragment")!, t => t);
        return new FragmentAnswer(response.StatusCode,
            response.Headers.TryGetValues("X-Page-Version", out var r) ? r.Single() : null, templates);
    }

    public Task<IHtmlDocument> ChooseAsync(string choice) =>
        ExpectRedirectAsync("/pay/choice", new() { ["choice"] = choice });

    private async Task<IHtmlDocument> ExpectRedirectAsync(string action, Dictionary<string, string> fields)
    {
        var response = await PostAsync(action, fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await PageAsync();
    }

    public static IEnumerable<KeyValuePair<string, string>> Ids(string name, IEnumerable<long> ids) => ids.Select(
        id => new KeyValuePair<string, string>(name, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>A fragment answer: status, the version header, and each template (target id → its content).</summary>
internal sealed record FragmentAnswer(HttpStatusCode Status,
    string? Version, IReadOnlyDictionary<string, AngleSharp.Html.Dom.IHtmlTemplateElement> Templates)
{
    public AngleSharp.Dom.IDocumentFragment this[string id] =>
        Templates.TryGetValue(id, out var t) ? t.Content : throw new InvalidOperationException(
            $"No fragment {id}; the answer has {string.Join(", ", Templates.Keys)}");

    public bool Replaces(string id) => Templates.TryGetValue(id, out var t) && t.HasAttribute("data-replace");

    public string Figure(string testId) =>
        this["pay-overview"].QuerySelector($"[data-testid={testId}]")?.TextContent.Trim()
            ?? throw new InvalidOperationException("No " + testId);
}
