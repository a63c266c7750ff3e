using System.Net;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// A browser-like client over the test server: keeps cookies, does not follow redirects on its own, and posts forms
/// with the antiforgery token read from the page, the way a person's browser would.
/// </summary>
public sealed partial class PortalClient(HttpClient http)
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Http { get; } = http;

    /// <summary>
    /// Over https, as a browser reaches the portal: outside Development its cookies are Secure, and a client keeps
    /// those for https only.
    /// </summary>
    public static PortalClient For(PortalFactory factory) =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost"),
        }));

    public static async Task<PortalClient> SignedInAsync(PortalFactory factory,
        string email, string password = CustomerPortal.Infrastructure.Seeding.DemoAccounts.Password)
    {
        var client = For(factory);
        var response = await client.SignInAsync(email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in of {email} answered {(int)response.StatusCode}");
        return client;
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        var page = await GetDocumentAsync("/account/sign-in");
        return await PostFormAsync(page, "/account/sign-in", new() { ["Email"] = email, ["Password"] = password });
    }

    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    public async Task<IHtmlDocument> GetDocumentAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Truncate(html)}");
        return Parse(html);
    }

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>
    /// Posts fields to <paramref name="action"/> with the antiforgery token found on <paramref name="page"/>.
    /// </summary>
    public Task<HttpResponseMessage> PostFormAsync(IHtmlDocument page,
        string action, Dictionary<string, string> fields, IEnumerable<KeyValuePair<string, string>>? repeated = null)
    {
        var token = AntiforgeryToken(page);
        var all = new List<KeyValuePair<string, string>>(fields) { new("__RequestVerificationToken", token) };
        if (repeated is not null) all.AddRange(repeated);
        return Http.PostAsync(action, new FormUrlEncodedContent(all));
    }

    /// <summary>Posts with a token from any page of the app (the token is per user, not per form).</summary>
    public async Task<HttpResponseMessage> PostAsync(string action, Dictionary<string, string>? fields = null,
        IEnumerable<KeyValuePair<string, string>>? repeated = null, string tokenPage = "/")
    {
        var page = await GetDocumentFollowingAsync(tokenPage);
        return await PostFormAsync(page, action, fields ?? new(), repeated);
    }

    /// <summary>GET that follows redirects (up to 5), for reaching a page behind the landing redirects.</summary>
    public async Task<IHtmlDocument> GetDocumentFollowingAsync(string url)
    {
        for (var i = 0; i < 5; i++)
        {
            var response = await Http.GetAsync(url);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                url = response.Headers.Location!.ToString();
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Truncate(html)}");
            return Parse(html);
        }
        throw new InvalidOperationException("Too many redirects from " + url);
    }

    public static string AntiforgeryToken(IHtmlDocument page)
    {
        var input = page.QuerySelector("input[name=__RequestVerificationToken]") as IHtmlInputElement
            ?? throw new InvalidOperationException("The page has no antiforgery token (no form?)");
        return input.Value;
    }

    private static string Truncate(string s) => s.Length > 400 ? s[..400] : s;
}
