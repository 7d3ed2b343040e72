namespace Relay.Server.Operations;

internal static class OperationsSetup
{
    /// <summary>Where operations stand (progress, waiting on them); queuing them is the outbox's.</summary>
    public static void AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OperationProgress>();
        builder.Services.AddSingleton<OperationWaiter>();
    }
}
