namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// A test of what the snapshot cache saves (queries not run): it runs when the app keeps snapshots (the default) and is
/// skipped, saying why, when the run turns the cache off (<see cref="PortalFactory.KeepSnapshotsVariable"/>=false).
/// Tests of what the page shows run either way.
/// </summary>
public sealed class CacheOnFactAttribute : FactAttribute
{
    public CacheOnFactAttribute()
    {
        if (!PortalFactory.KeepsSnapshots)
            Skip = $"counts what the snapshot cache saves; off here ({PortalFactory.KeepSnapshotsVariable}=false)";
    }
}
