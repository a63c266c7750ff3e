using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CustomerPortal.Infrastructure.Data;
using Microsoft.AspNetCore.DataProtection;

namespace CustomerPortal.Web.Hosting;

/// <summary>
/// The keys behind sign-in cookies, antiforgery tokens and the view-as cookie live in the portal's database
/// (<c>DataProtectionKeys</c>), so every node on the database shares them without a shared disk. With a certificate
/// configured (<c>DataProtection:CertificatePath</c> + <c>CertificatePassword</c>, or <c>CertificateThumbprint</c> from
/// the current user's store) they are encrypted at rest; start-up fails naming the setting if it cannot be loaded.
/// </summary>
public static class PortalDataProtection
{
    public const string CertificatePathSetting = "DataProtection:CertificatePath";
    public const string CertificatePasswordSetting = "DataProtection:CertificatePassword";
    public const string CertificateThumbprintSetting = "DataProtection:CertificateThumbprint";

    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services, IConfiguration config)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("CustomerPortal")
            .PersistKeysToDbContext<AppDbContext>();
        if (Certificate(config) is { } certificate) dataProtection.ProtectKeysWithCertificate(certificate);
        return services;
    }

    private static X509Certificate2? Certificate(IConfiguration config)
    {
        if (config[CertificatePathSetting] is { Length: > 0 } path)
        {
            try
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, config[CertificatePasswordSetting]);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{CertificatePathSetting} '{path}' could not be loaded "
                    + $"(with {CertificatePasswordSetting}): {ex.Message}", ex);
            }
        }
        if (config[CertificateThumbprintSetting] is { Length: > 0 } thumbprint)
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly);
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            return found.Count > 0 ? found[0] : throw new InvalidOperationException(
                $"{CertificateThumbprintSetting} '{thumbprint}' names no certificate in the current user's store My.");
        }
        return null;
    }
}
