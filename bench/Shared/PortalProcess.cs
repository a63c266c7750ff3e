using System.Globalization;
using System.Text.RegularExpressions;

namespace CustomerPortal.Bench.Shared;

/// <summary>
/// What the benches that start the built portal in its own process share (linked into each bench project).
/// </summary>
internal static class PortalProcess
{
    /// <summary>
    /// The benches measure the Production set-up over the demo data and the sandbox processor, which outside
    /// Development the portal refuses unless each is asked for by name (ProductionSafety).
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> DemoSettings =
    [
        new("Database:SeedDemoData", "true"),
        new("Database:AllowDemoData", "true"),
        new("Payments:AllowSandbox", "true"),
    ];

    /// <summary>Puts <see cref="DemoSettings"/> into the environment of the portal's own process.</summary>
    public static void AddDemoSettings(System.Diagnostics.ProcessStartInfo start)
    {
        foreach (var (key, value) in DemoSettings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    /// <summary>The repository root (the folder with CustomerPortal.sln) above the running bench.</summary>
    public static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CustomerPortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }

    /// <summary>
    /// Refuses to start when something already listens on the bench's port: a portal left running there would answer
    /// the health check and the bench would measure it (and its database) instead of the one it started.
    /// </summary>
    public static void EnsurePortFree(Uri url)
    {
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            probe.Connect(url.Host, url.Port);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return; // nothing listens: free
        }
        throw new InvalidOperationException(
            $"Something already listens on {url} (a portal left running?). Stop it, then run the bench again.");
    }

    /// <summary>Polls /health/live until the portal answers (two minutes at most).</summary>
    public static async Task WaitUntilUpAsync(Uri url)
    {
        using var http = new HttpClient { BaseAddress = url };
        for (var i = 0; i < 480; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not up yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("The portal did not start.");
    }
}

/// <summary>
/// Keeps the portal's cookies as a browser on https would. Outside Development they are Secure, which HttpClient keeps
/// for https only; the benches talk plain http to the portal, as the proxy that ends TLS in front of it would.
/// </summary>
internal sealed class TlsEndedCookies(System.Net.CookieContainer jar)
    : DelegatingHandler(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
{
    public System.Net.CookieContainer Jar { get; } = jar;

    /// <summary>The address as the browser sees it, behind TLS: where the jar keeps and finds the cookies.</summary>
    public static Uri AsHttps(Uri address) => new UriBuilder(address) { Scheme = Uri.UriSchemeHttps }.Uri;

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var address = AsHttps(request.RequestUri!);
        if (Jar.GetCookieHeader(address) is { Length: > 0 } cookies) request.Headers.Add("Cookie", cookies);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var lines))
        {
            foreach (var line in lines) Jar.SetCookies(address, line);
        }
        return response;
    }
}

/// <summary>Reads a process's peak resident set (VmHWM) from /proc when asked; Linux only.</summary>
internal sealed class PeakWorkingSet(int pid)
{
    public double PeakMegabytes()
    {
        var line = File.ReadLines($"/proc/{pid}/status")
            .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null
            ? double.NaN
            : long.Parse(Regex.Match(line, "\\d+").Value, CultureInfo.InvariantCulture) / 1024.0;
    }
}
