namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// One seeded portal shared by the tests of a class that only read (or change data no other test of the class reads).
/// It has the probe endpoints (<see cref="PortalFactory.WithProbeEndpoints"/>), so that a class checking a rule on
/// every endpoint can share it too.
/// </summary>
public sealed class SharedPortal : IDisposable
{
    public PortalFactory Factory { get; } = new PortalFactory().WithProbeEndpoints();

    public void Dispose() => Factory.Dispose();
}
