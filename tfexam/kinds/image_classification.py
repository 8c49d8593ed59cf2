"""Image classification (binary or multi-class): the hidden pictures prepared as the starter's pipeline does."""

from __future__ import annotations

from dataclasses import dataclass

from tfexam.kinds import Kind, Settings


@dataclass(frozen=True)
class ImageClassificationSettings(Settings):
    pixel_scale: float  # the model is fed float32 pixels = uint8 value / pixel_scale
    hidden_images: int  # how many hidden pictures the dataset layer must return
    misclassified_shown: int  # the most confident mistakes drawn in the diagnostic PNG
    batch_size: int = 256
    image_size: tuple[int, int] | None = None  # picture folders: each decoded with 3 channels, resized bilinearly
    decision_threshold: float = 0.5  # binary: an output above it counts as class_names[1] (Keras' binary accuracy)
    required_layer: str = ""  # a layer type the model must contain (e.g. a MobileNet backbone's DepthwiseConv2D)
    required_layer_message: str = ""  # the refusal when it does not
    slips: tuple[str, ...] | None = None  # the re-scoring slips it uses (graders/slips/<kind>.py); None: every one that applies

    def conflicts(self, data) -> dict[str, str]:
        if data is not None and data.format == "image_folders" and self.image_size is None:
            return {"image_size": "is required when [data].format is image_folders"}
        if self.required_layer and not self.required_layer_message:
            return {"required_layer_message": "is required with required_layer"}
        return {}


KIND = Kind("image_classification", ImageClassificationSettings, example="hidden picture", task="classification")
