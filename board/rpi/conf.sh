# conf.sh: reads /etc/wegweiser/kiosk.conf (key=value lines, # comments) for the board's
# shell scripts. Sourced, not run. Set WEGWEISER_CONF before sourcing to read another file.
WEGWEISER_CONF=${WEGWEISER_CONF:-/etc/wegweiser/kiosk.conf}

# conf_get KEY DEFAULT: prints the last value given for KEY, or DEFAULT when there is none or
# it is empty. Never runs anything from the file.
conf_get() {
    _v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$WEGWEISER_CONF" 2>/dev/null |
        tail -n 1 | sed 's/[[:space:]]*$//')
    if [ -n "$_v" ]; then printf '%s\n' "$_v"; else printf '%s\n' "$2"; fi
}
