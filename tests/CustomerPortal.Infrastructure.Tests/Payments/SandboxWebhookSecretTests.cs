using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Infrastructure.Tests.Payments;

/// <summary>
/// The sandbox's webhook secret (issue 14, finding 2): never a constant from the source, but generated once per
/// installation into the data folder, beside the sandbox's database, unless configured.
/// </summary>
public sealed class SandboxWebhookSecretTests : IDisposable
{
    private const string SecretInTheSource = "whsec_sandbox_local_development_only";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sandbox-secret-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private sealed class TestEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "CustomerPortal.Tests";
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    /// <summary>The secret of an app started in <paramref name="installation"/>.</summary>
    private string StartAndReadSecret(string installation, string? configured = null)
    {
        var settings = new Dictionary<string, string?> { ["Payments:Provider"] = "Sandbox" };
        if (configured is not null) settings["Payments:Sandbox:WebhookSecret"] = configured;
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(Path.Combine(_root, installation)));
        services.AddPaymentGateway(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SandboxOptions>>().Value.WebhookSecret;
    }

    private string SecretFile(string installation) =>
        Path.Combine(_root, installation, "data", SandboxWebhookSecret.FileName);

    [Fact]
    public void FirstStartGeneratesARandomSecretIntoTheDataFolderAndLaterStartsReadIt()
    {
        var first = StartAndReadSecret("a");

        Assert.StartsWith("whsec_", first);
        Assert.NotEqual(SecretInTheSource, first);
        Assert.True(first.Length >= "whsec_".Length + 43, first); // 32 random bytes, base64url
        Assert.Equal(first, File.ReadAllText(SecretFile("a")).Trim());
        Assert.Equal(first, StartAndReadSecret("a"));
    }

    [Fact]
    public void TwoInstallationsHaveDifferentSecrets()
    {
        Assert.NotEqual(StartAndReadSecret("a"), StartAndReadSecret("b"));
    }

    [Fact]
    public async Task ProcessesStartingTogetherOnOneDataFolderAgreeOnOneSecret()
    {
        var starts = Enumerable.Range(0, 16).Select(_ => Task.Run(() => StartAndReadSecret("shared")));
        var secrets = await Task.WhenAll(starts);

        Assert.Single(secrets.Distinct());
        Assert.Equal(secrets[0], File.ReadAllText(SecretFile("shared")).Trim());
        Assert.Equal([SandboxWebhookSecret.FileName], Directory.GetFiles(Path.GetDirectoryName(SecretFile("shared"))!)
            .Select(Path.GetFileName).Where(n => n!.Contains("secret", StringComparison.Ordinal)));
    }

    [Fact]
    public void AConfiguredSecretIsUsedAndNoneIsGenerated()
    {
        Assert.Equal("whsec_from_configuration", StartAndReadSecret("c", configured: "whsec_from_configuration"));
        Assert.False(File.Exists(SecretFile("c")));
    }
}
