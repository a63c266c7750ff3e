namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>One seeded portal shared by the read-only tests of a class.</summary>
public sealed class SharedPortal : IDisposable
{
    public PortalFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
