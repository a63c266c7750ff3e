using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// A browser whose cookies the test keeps itself: over plain http (HttpClient keeps Secure cookies for https only), or
/// carried from one node of the portal to another (<see cref="On"/>). Remembers every Set-Cookie line it was sent.
/// </summary>
public sealed class CookieJarBrowser
{
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly Dictionary<string, string> _jar;

    public CookieJarBrowser(PortalFactory factory, string baseAddress)
        : this(factory, new Uri(baseAddress), new Dictionary<string, string>())
    {
    }

    private CookieJarBrowser(PortalFactory factory, Uri baseAddress, Dictionary<string, string> jar)
    {
        _baseAddress = baseAddress;
        _jar = jar;
        _http = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = baseAddress, AllowAutoRedirect = false, HandleCookies = false,
        });
    }

    public List<string> SetCookies { get; } = [];

    /// <summary>The same browser, with the same cookies, talking to another node.</summary>
    public CookieJarBrowser On(PortalFactory node) => new(node, _baseAddress, _jar);

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    public async Task<IHtmlDocument> GetPageAsync(string url)
    {
        var response = await GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PortalClient.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts <paramref name="fields"/> with the antiforgery token found on <paramref name="page"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string url, IHtmlDocument page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = PortalClient.AntiforgeryToken(page);
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) });
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_jar.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _jar.Select(c => $"{c.Key}={c.Value}")));
        var response = await _http.SendAsync(request);
        foreach (var line in response.Headers.TryGetValues("Set-Cookie", out var lines) ? lines : [])
        {
            SetCookies.Add(line);
            var pair = line.Split(';')[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (pair[..equals], pair[(equals + 1)..]);
            if (value.Length == 0) _jar.Remove(name);
            else _jar[name] = value;
        }
        return response;
    }
}
