using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CustomerPortal.Web.Tests.Foundation;

/// <summary>
/// The keys behind sign-in cookies and antiforgery tokens live in the portal's database: every node on the database
/// shares them without a shared disk, and with a certificate configured they are encrypted there.
/// </summary>
public sealed class DataProtectionKeyTests
{
    [Fact]
    public async Task TwoNodesOnOneDatabaseAcceptEachOthersSignInAndForms()
    {
        using var nodeA = new PortalFactory();
        var onA = new CookieJarBrowser(nodeA, "https://localhost");
        var signIn = await onA.PostAsync("/account/sign-in", await onA.GetPageAsync("/account/sign-in"),
            new() { ["Email"] = DemoAccounts.ProCustomer, ["Password"] = DemoAccounts.Password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var pageFromA = await onA.GetPageAsync("/welcome");

        using var nodeB = new PortalFactory()
            .With("Database:ConnectionString", $"Data Source={nodeA.DatabasePath};Pooling=True");
        var onB = onA.On(nodeB);
        var welcome = await onB.GetAsync("/welcome");
        var signOut = await onB.PostAsync("/account/sign-out", pageFromA, new()); // A's form token, checked by B

        Assert.Equal(HttpStatusCode.OK, welcome.StatusCode);
        var page = PortalClient.Parse(await welcome.Content.ReadAsStringAsync());
        Assert.Contains("Summit Builders LLC", page.QuerySelector("[data-testid=customer-name]")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/account/sign-in", signOut.Headers.Location!.ToString());
    }

    [Fact]
    public async Task WithACertificateTheKeysAreEncryptedInTheDatabase()
    {
        using var factory = new PortalFactory();
        var path = Path.Combine(factory.DataFolder, "data-protection.pfx");
        using (var certificate = SelfSignedCertificate())
        {
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }
        factory.With("DataProtection:CertificatePath", path).With("DataProtection:CertificatePassword", "pfx-password");

        var client = await PortalClient.SignedInAsync(factory, DemoAccounts.ProCustomer);
        var welcome = await client.GetAsync("/welcome");

        Assert.Equal(HttpStatusCode.OK, welcome.StatusCode); // the key is read back through the certificate
        var keys = await StoredKeysAsync(factory);
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal); // where a plain key keeps its secret
        });
    }

    [Theory]
    [InlineData("DataProtection:CertificateThumbprint", "0123456789ABCDEF0123456789ABCDEF01234567")]
    [InlineData("DataProtection:CertificatePath", "/no/such/certificate.pfx")]
    public void ACertificateThatCannotBeLoadedRefusesStartAndNamesTheSetting(string setting, string value)
    {
        using var factory = new PortalFactory().With(setting, value);

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(setting, ex.ToString());
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CustomerPortal data protection (test)", rsa, HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    private static async Task<List<string>> StoredKeysAsync(PortalFactory factory)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT Xml FROM DataProtectionKeys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }
}
