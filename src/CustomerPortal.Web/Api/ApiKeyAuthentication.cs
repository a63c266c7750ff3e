using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CustomerPortal.Infrastructure.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using CustomerPortal.Web.Shared;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Api;

/// <summary>
/// Authenticates the back office by the <c>X-Api-Key</c> header; a key speaks for exactly one company.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyService keys, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string Policy = "back-office-api";
    public const string CompanyClaim = ApiCaller.CompanyClaim;
    public const string KeyClaim = ApiCaller.KeyClaim;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
        if (presented.Length == 0) return AuthenticateResult.NoResult();
        var identity = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (identity is null)
        {
            // The prefix only: never log a whole key.
            Logger.LogInformation(
                "Back-office API key refused (prefix {KeyPrefix})", presented.Length > 12 ? presented[..12] : "?");
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }
        var claims = new[]
        {
            new Claim(CompanyClaim, identity.CompanyId.ToString(CultureInfo.InvariantCulture)),
            new Claim(KeyClaim, identity.KeyId.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, identity.Prefix),
        };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var missing = Request.Headers[Header].ToString().Length == 0;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        return WriteAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            missing
                ? $"Send your company's API key in the {Header} header."
                : "The API key is not valid or has been revoked.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API key may not do that.");

    private async Task WriteAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
