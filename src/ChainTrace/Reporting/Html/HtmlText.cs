using System.Text;

namespace ChainTrace.Reporting.Html;

/// <summary>HTML/XML escaping for text and attribute values taken from user files (labels, entity names).</summary>
public static class HtmlText
{
    /// <summary>
    /// Escapes <c>&amp; &lt; &gt; " '</c> so the text is safe both as element content and inside a quoted attribute,
    /// and drops control characters that XML 1.0 does not allow (the SVG part must parse as XML).
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? rep = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when c < 0x20 && c != '\t' && c != '\n' && c != '\r' => "",
                '\uFFFE' or '\uFFFF' => "",
                _ => null,
            };
            if (rep is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(rep);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>Appends the escaped text.</summary>
    public static StringBuilder AppendEscaped(this StringBuilder sb, string? text)
    {
        ArgumentNullException.ThrowIfNull(sb);
        return sb.Append(Escape(text));
    }

    /// <summary>Cuts text to at most <paramref name="max"/> characters, ending with "…" when cut.</summary>
    public static string Truncate(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max) return text;
        int cut = Math.Max(1, max - 1);
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    /// <summary>A short form of an address for pictures: first 8 and last 4 characters.</summary>
    public static string ShortAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Length > 14 ? address[..8] + "…" + address[^4..] : address;
    }
}
