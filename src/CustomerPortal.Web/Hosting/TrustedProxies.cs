using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CustomerPortal.Web.Hosting;

/// <summary>
/// The proxies whose X-Forwarded-For and X-Forwarded-Proto the portal believes: <c>ForwardedHeaders:KnownProxies</c>
/// (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR), each a list or one comma-separated value. The client's
/// address that the sign-in limit, audit rows and ACH mandates record is then the one such a proxy reports.
/// With neither configured nobody is believed and the connection's own address is the client's (docs/operations.md).
/// </summary>
public static class TrustedProxies
{
    public const string KnownProxiesSetting = "ForwardedHeaders:KnownProxies";
    public const string KnownNetworksSetting = "ForwardedHeaders:KnownNetworks";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration config)
    {
        var proxies = Values(config, KnownProxiesSetting)
            .Select(v => IPAddress.TryParse(v, out var address)
                ? address
                : throw Invalid(KnownProxiesSetting, v, "an IP address"))
            .ToList();
        var networks = Values(config, KnownNetworksSetting)
            .Select(v => System.Net.IPNetwork.TryParse(v, out var network)
                ? network
                : throw Invalid(KnownNetworksSetting, v, "a CIDR network"))
            .ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The framework's defaults trust loopback, so a local process (or a proxy passing the header on) could
            // pick its own address; and empty lists would make the middleware believe everyone. Neither: only what
            // is configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            if (proxies.Count == 0 && networks.Count == 0)
            {
                o.ForwardedHeaders = ForwardedHeaders.None;
                return;
            }
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return services;
    }

    private static IEnumerable<string> Values(IConfiguration config, string setting)
    {
        var section = config.GetSection(setting);
        var values = section.Value is { Length: > 0 } list
            ? list.Split(',')
            : section.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }

    private static InvalidOperationException Invalid(string setting, string value, string expected) =>
        new($"{setting} has '{value}', which is not {expected}.");
}
