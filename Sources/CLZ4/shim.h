// The system liblz4 (apt: liblz4-dev): the frame API compresses snapshot entries (data-format.md "Snapshot file").
#include <lz4.h>
#include <lz4frame.h>
