namespace Relay.Server.Audit;

/// <summary>What an endpoint adds to its call's audit record beyond the ids: that it was a dry run, or how wide a
/// deletion reached. Never personal data: counts and flags only.</summary>
internal static class AuditNotes
{
    private const string Key = "relay.audit.notes";

    public static void Add(HttpContext http, string note)
    {
        if (http.Items[Key] is List<string> notes)
        {
            notes.Add(note);
            return;
        }

        http.Items[Key] = new List<string> { note };
    }

    public static IReadOnlyList<string> Of(HttpContext http) => http.Items[Key] as List<string> ?? [];
}
